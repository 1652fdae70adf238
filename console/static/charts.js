/*
 * Small hand-written SVG charts for the supervisor view: a bar chart and a line chart.
 * No dependency. Values are drawn with SVG elements and text nodes only (never innerHTML).
 */
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var WIDTH = 360, HEIGHT = 180, PAD = { left: 40, right: 10, top: 10, bottom: 36 };

  function el(name, attrs, text) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function frame(title, max, format) {
    var svg = el("svg", { viewBox: "0 0 " + WIDTH + " " + HEIGHT, role: "img", "aria-label": title, width: "100%" });
    var innerH = HEIGHT - PAD.top - PAD.bottom;
    [0, 0.5, 1].forEach(function (f) {
      var y = PAD.top + innerH * (1 - f);
      svg.appendChild(el("line", { x1: PAD.left, x2: WIDTH - PAD.right, y1: y, y2: y, stroke: "#e2ddd6" }));
      svg.appendChild(el("text", { x: PAD.left - 4, y: y + 4, "text-anchor": "end", "font-size": 10, fill: "#57606a" },
        format(max * f)));
    });
    return svg;
  }

  function labels(svg, names, step) {
    var every = Math.max(1, Math.ceil(names.length / 7));
    names.forEach(function (name, i) {
      if (i % every) return;
      svg.appendChild(el("text", { x: PAD.left + step * (i + 0.5), y: HEIGHT - PAD.bottom + 14, "text-anchor": "middle",
        "font-size": 10, fill: "#57606a" }, name));
    });
  }

  /** bars(title, [label...], [value...], format) → <svg> */
  function bars(title, names, values, format) {
    format = format || function (v) { return String(Math.round(v)); };
    var max = Math.max.apply(null, values.concat([1]));
    var svg = frame(title, max, format);
    var innerW = WIDTH - PAD.left - PAD.right, innerH = HEIGHT - PAD.top - PAD.bottom;
    var step = innerW / Math.max(values.length, 1);
    values.forEach(function (value, i) {
      var h = innerH * value / max;
      var bar = el("rect", { x: PAD.left + step * i + step * 0.15, y: PAD.top + innerH - h, width: step * 0.7,
        height: h, fill: "#b3261e" });
      bar.appendChild(el("title", {}, names[i] + ": " + format(value)));
      svg.appendChild(bar);
    });
    labels(svg, names, step);
    return svg;
  }

  /** line(title, [label...], [value|null...], format) → <svg>; null values leave a gap */
  function line(title, names, values, format) {
    format = format || function (v) { return String(Math.round(v)); };
    var present = values.filter(function (v) { return v !== null && v !== undefined; });
    var max = Math.max.apply(null, present.concat([format === percent ? 0.1 : 1]));
    var svg = frame(title, max, format);
    var innerW = WIDTH - PAD.left - PAD.right, innerH = HEIGHT - PAD.top - PAD.bottom;
    var step = innerW / Math.max(values.length, 1);
    var d = "", pen = false;
    values.forEach(function (value, i) {
      if (value === null || value === undefined) { pen = false; return; }
      var x = PAD.left + step * (i + 0.5), y = PAD.top + innerH * (1 - value / max);
      d += (pen ? "L" : "M") + x.toFixed(1) + "," + y.toFixed(1) + " ";
      pen = true;
      var dot = el("circle", { cx: x, cy: y, r: 3, fill: "#0b57d0" });
      dot.appendChild(el("title", {}, names[i] + ": " + format(value)));
      svg.appendChild(dot);
    });
    if (d) svg.appendChild(el("path", { d: d.trim(), fill: "none", stroke: "#0b57d0", "stroke-width": 2 }));
    labels(svg, names, step);
    return svg;
  }

  function percent(v) { return Math.round(v * 100) + " %"; }

  window.DvcCharts = { bars: bars, line: line, percent: percent };
})();

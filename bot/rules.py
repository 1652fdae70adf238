"""Rules in Rasa rules YAML, and the policy that picks the next actions from them.

Two rule shapes are understood, which is what dvcbot's dialogue needs:
``[intent: X, action: A, action: B, ...]`` (answer X with A then B) and, under the condition
``active_loop: F``, ``[action: F, active_loop: null, action: C, ...]`` (after form F completes, run C).
Any other shape is reported at load instead of being silently ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

__all__ = ["RuleError", "RulePolicy"]


class RuleError(ValueError):
    pass


@dataclass(slots=True)
class RulePolicy:
    on_intent: dict[str, list[str]] = field(default_factory=dict)
    after_form: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> RulePolicy:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        policy = cls()
        for rule in data.get("rules") or []:
            policy._add(rule, path)
        return policy

    def _add(self, rule: dict[str, Any], path: Path) -> None:
        name = rule.get("rule", "?")
        steps = rule.get("steps") or []
        condition = rule.get("condition") or []
        loop = next((c["active_loop"] for c in condition if isinstance(c, dict) and "active_loop" in c), None)
        actions = [s["action"] for s in steps if isinstance(s, dict) and "action" in s]
        if steps and "intent" in steps[0] and not loop:
            intent = str(steps[0]["intent"])
            if intent in self.on_intent:
                raise RuleError(f"{path.name}: rule {name!r}: intent {intent!r} already has a rule")
            self.on_intent[intent] = [a for a in actions if a != "action_listen"]
        elif loop and actions and actions[0] == loop and any(
            isinstance(s, dict) and "active_loop" in s and s["active_loop"] is None for s in steps
        ):
            self.after_form[str(loop)] = actions[1:]
        else:
            raise RuleError(f"{path.name}: rule {name!r} has a shape dvcbot does not support")

    def actions_for(self, intent: str) -> list[str]:
        return list(self.on_intent.get(intent, []))

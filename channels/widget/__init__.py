"""The embeddable web widget: ``<script src=".../widget.js" data-server="...">`` on any page."""

from channels.widget.cors import WidgetCors
from channels.widget.history import history_from_events
from channels.widget.router import SENDER_PATTERN, STATIC_DIR, WidgetMessage, widget_router

__all__ = ["SENDER_PATTERN", "STATIC_DIR", "WidgetCors", "WidgetMessage", "history_from_events", "widget_router"]

"""The phone line: Asterisk FastAGI and a JSON webhook for cloud voice vendors, on one call flow.

- ``agi_protocol``: the AGI header, commands and replies as text;
- ``fastagi``: the asyncio FastAGI server (``dvcbot ivr --fastagi PORT``);
- ``webhook``: ``POST /api/voice/webhook`` and its JSON; ``call_store``: call state between requests;
- ``call_flow``: the menu as a state machine; ``prompts``: what it says;
- ``speech_text`` and ``vietnamese_numbers``: text as a Vietnamese voice reads it;
- ``caller_dossiers``: the dossiers of a caller's number; ``assembly``: the flow built from the service.

Only the light modules are imported here, as ``bot.settings`` reads ``telephony.settings``.
"""

from telephony.settings import FastAgiSettings, TelephonySettings, VoiceWebhookSettings
from telephony.speech_text import to_speech
from telephony.vietnamese_numbers import read_digits, read_number

__all__ = [
    "FastAgiSettings",
    "TelephonySettings",
    "VoiceWebhookSettings",
    "read_digits",
    "read_number",
    "to_speech",
]

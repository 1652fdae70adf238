"""``telephony:`` in ``config.yml``: the phone menu, the FastAGI server and the voice webhook."""

from __future__ import annotations

from pydantic import BaseModel, Field

__all__ = ["FastAgiSettings", "TelephonySettings", "VoiceWebhookSettings"]


class FastAgiSettings(BaseModel):
    """How dvcbot drives Asterisk: which dialplan applications speak, listen and transfer.

    ``{text}``, ``{timeout}`` and ``{queue}`` in the argument templates are filled in (commas in the
    values escaped, so they stay one application argument).
    """

    host: str = "127.0.0.1"
    port: int = 4573
    script: str = "dvcbot"  # the path of agi://host:port/dvcbot; other scripts are refused
    tts_application: str = "Espeak"  # e.g. Espeak (app_espeak, espeak-ng's Vietnamese), MRCPSynth, Flite
    tts_arguments: str = "{text},any,vi"
    barge_in: bool = True  # a key pressed during a prompt (the application's result) answers the menu
    gather_prompt: str = "silence/1"  # the sound GET DATA plays before it listens for keys
    speech_application: str = ""  # e.g. SpeechBackground; empty: menu 2 says questions need an agent
    speech_arguments: str = "beep,{timeout}"
    speech_variable: str = "${SPEECH_TEXT(0)}"  # read with GET FULL VARIABLE after the speech application
    transfer_application: str = "Queue"  # or Dial, with transfer_arguments such as "PJSIP/{queue}"
    transfer_arguments: str = "{queue}"


class VoiceWebhookSettings(BaseModel):
    enabled: bool = True
    path: str = "/api/voice/webhook"
    token: str = ""  # DVCBOT_TELEPHONY__WEBHOOK__TOKEN; required (X-Voice-Token) when set, and in production
    call_ttl_minutes: float = 240  # a call without events for this long is forgotten


class TelephonySettings(BaseModel):
    queue: str = "agents"  # the agents' queue a caller is put through to (Asterisk queue or vendor target)
    key_timeout_seconds: float = 6
    digits_timeout_seconds: float = 10
    speech_timeout_seconds: float = 10
    max_tries: int = Field(default=3, ge=1)  # silence or unknown keys in a row
    max_verifications: int = Field(default=3, ge=1)  # wrong CCCD digits in one call
    max_answer_chars: int = 700  # a spoken answer longer than this is cut at a sentence
    fastagi: FastAgiSettings = FastAgiSettings()
    webhook: VoiceWebhookSettings = VoiceWebhookSettings()

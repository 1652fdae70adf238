"""The call flow built from the running assistant: its agent, dossier client and lookup limits."""

from __future__ import annotations

from bot.agent import Agent
from bot.dossier_setup import reference_database_url
from bot.messages import UserMessage
from bot.service import Service, make_engine
from telephony.call_flow import Ask, CallFlow, FlowOptions
from telephony.caller_dossiers import CallerDossiers, SqlReferenceCallerDossiers

__all__ = ["VOICE_CHANNEL", "agent_ask", "build_call_flow", "caller_directory", "flow_options"]

VOICE_CHANNEL = "voice"


def flow_options(service: Service) -> FlowOptions:
    config = service.settings.telephony
    return FlowOptions(
        queue=config.queue,
        key_timeout_seconds=config.key_timeout_seconds,
        digits_timeout_seconds=config.digits_timeout_seconds,
        speech_timeout_seconds=config.speech_timeout_seconds,
        max_tries=config.max_tries,
        max_verifications=config.max_verifications,
        max_answer_chars=config.max_answer_chars,
        hotline=service.settings.support.hotline,
    )


def caller_directory(service: Service) -> CallerDossiers | None:
    """The reference service's dossiers by phone, when it is the status system the bot reads."""
    settings = service.settings
    if not settings.dossier.service.enabled or settings.dossier.client.base_url:
        return None
    return SqlReferenceCallerDossiers(
        make_engine(reference_database_url(settings, settings.stores.tracker_url))
    )


def agent_ask(agent: Agent) -> Ask:
    """A caller's question as one turn of the agent, on the ``voice`` channel: the same answer as chat."""

    async def ask(conversation: str, text: str) -> list[str]:
        message = UserMessage(
            text=text, sender_id=conversation, input_channel=VOICE_CHANNEL, deliver_pending=False
        )
        return [reply.text for reply in await agent.handle(message) if reply.text]

    return ask


def build_call_flow(service: Service, directory: CallerDossiers | None = None) -> CallFlow:
    """``directory`` replaces the reference service's (another one-stop system's search by phone)."""
    deps = service.dossier.deps if service.dossier is not None else None
    if deps is None:
        raise ValueError("the service was built without its dossier runtime")
    return CallFlow(
        options=flow_options(service),
        ask=agent_ask(service.agent),
        directory=directory or caller_directory(service),
        status=deps.client,
        limiter=deps.limiter,
        today=deps.today,
    )

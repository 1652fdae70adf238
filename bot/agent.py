"""``Agent.handle``: one user message in, the bot's messages out.

The turn: restore the tracker → start a session if it expired → parse → resolve the procedure and
fill slots → pick actions (form, rules, fallback) → run them → store the turn's events. Turns of
one sender are serialised by a lock (``bot.coordination``: in-process, or in Redis across workers),
and the store refuses a turn written over a newer one (``StaleTracker``): the turn is then run again
on the fresh state, once, so two quick messages never interleave.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from actions.facts import is_yes_no_question
from actions.sdk import Action, CollectingDispatcher, Tracker
from bot.aspect_choice import asked_by_wording, asks_what_about, companion_aspects, question_at_the_end
from bot.coordination.arrival import arrived_at
from bot.coordination.errors import CoordinationUnavailable
from bot.coordination.locks import ConversationLocks, LocalLocks
from bot.domain import Domain
from bot.events import (
    Event,
    action_executed,
    active_loop,
    bot_uttered,
    session_started,
    slot_set,
    user_uttered,
)
from bot.forms import run_form
from bot.messages import BotMessage, UserMessage
from bot.metrics import Metrics
from bot.pending import delivered_marker, pending_event, undelivered
from bot.privacy import mask_numbers
from bot.rules import RulePolicy
from bot.slots import ASPECT_INTENTS, NOT_IN_CATALOGUE, extract_slots, resolve_procedure
from bot.storable import UnstorableMessage, message_problem
from bot.tracker import DialogueStateTracker
from bot.tracker_store import StaleTracker
from bot.waiting_dossier import reports_a_wait
from nlu.interpreter import Interpreter

__all__ = ["Agent", "AgentConfig", "HandoffReview", "PrePolicy", "TrackerStore"]

log = logging.getLogger("dvcbot.agent")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_LATIN = re.compile(r"[A-Za-zÀ-ỹĐđ]")
# Readings that are no question, which a message asking one outright about a known procedure loses.
_NOT_QUESTIONS = frozenset({"complain", "deny", "affirm"})


def _whether(text: str) -> str | None:
    """A plain yes/no question asks whether, which the conditions answer: "trong sổ cũ ghi sai năm
    sinh, sửa luôn được không" on moving to the correction (not the question asked of the previous
    procedure), "có đưa nó ra khỏi nhà tạm thời được không" read as a plain no."""
    return "ask_eligibility" if is_yes_no_question(text) else None


class TrackerStore(Protocol):
    def retrieve(self, sender_id: str) -> DialogueStateTracker: ...

    def append(self, sender_id: str, events: list[Event], *, fence: int | None = None) -> None: ...

    def save(self, tracker: DialogueStateTracker, new_events: list[Event], *, fence: int | None = None) -> None:
        """Store a turn read as ``tracker``; ``StaleTracker`` if the conversation moved on meanwhile."""
        ...


class PrePolicy(Protocol):
    """A policy consulted before the form and intent rules (``bot.dossier_followups``); blocking."""

    def plan(self, tracker: DialogueStateTracker, parse: dict[str, Any]) -> list[str] | None: ...


class HandoffReview(Protocol):
    """Who answers this turn, the bot or staff (``console.handoff_policy``): the planned actions in,
    the ones to run out — none while an agent holds the conversation; blocking."""

    def review(self, tracker: DialogueStateTracker, parse: dict[str, Any], planned: list[str]) -> list[str]: ...


@dataclass(frozen=True, slots=True)
class AgentConfig:
    fallback_threshold: float = 0.45
    ambiguity_threshold: float = 0.1
    # With the procedure known, an aspect reading at least this likely is answered, not asked about.
    known_procedure_threshold: float = 0.25
    # Torn between two aspects ("có được hỗ trợ tiền không": the conditions or the amount?): below
    # ``sure_aspect_probability`` for the likeliest, a runner-up aspect at least this likely is answered too.
    second_aspect_probability: float = 0.15
    sure_aspect_probability: float = 0.75
    max_actions_per_turn: int = 10
    max_message_chars: int = 2000
    session_expiration_minutes: float = 60
    carry_over_slots: bool = False
    response_variables: tuple[tuple[str, str], ...] = ()


class Agent:
    def __init__(
        self,
        *,
        interpreter: Interpreter,
        domain: Domain,
        policy: RulePolicy,
        store: TrackerStore,
        actions: dict[str, Action],
        config: AgentConfig,
        clock: Callable[[], float] = time.time,
        first: PrePolicy | None = None,
        handoff: HandoffReview | None = None,
        locks: ConversationLocks | None = None,
        metrics: Metrics | None = None,
        prepare_inline: bool = False,
    ) -> None:
        self.interpreter = interpreter
        self.domain = domain
        self.policy = policy
        self.store = store
        self.actions = actions
        self.config = config
        self._clock = clock
        self.first = first
        self.metrics = metrics
        self.locks: ConversationLocks = locks or LocalLocks(metrics.lock_wait if metrics else None)
        self.handoff = handoff
        # The store and the policies' reads are local (SQLite: no round trip to wait for): the turn's
        # preparation, CPU bound under the GIL either way, runs on the event loop without a hop.
        self._prepare_inline = prepare_inline

    async def handle(self, message: UserMessage) -> list[BotMessage]:
        problem = message_problem(message)
        if problem:  # channels refuse these at the edge; nothing runs that could not be stored
            raise UnstorableMessage(problem)
        started = time.perf_counter()
        try:
            for attempt in range(3):
                async with self.locks.hold(message.sender_id, arrived_at=arrived_at()) as held:
                    try:
                        replies = await self._locked_turn(message, held.fence, started)
                    except StaleTracker:
                        # Only when a lock's lease ran out mid-turn: run it again on what is stored now.
                        log.warning("sender=%s: conversation moved on during the turn (attempt %d)",
                                    mask_numbers(message.sender_id), attempt + 1)
                        continue
                    return replies
            raise CoordinationUnavailable("the conversation kept moving on during the turn")
        except Exception as error:
            if self.metrics:
                self.metrics.error(type(error).__name__)
            raise

    async def _locked_turn(self, message: UserMessage, fence: int | None, started: float) -> list[BotMessage]:
        # One hop off the event loop for everything before the actions (each hop costs ~0.1 ms of CPU):
        # the stored state, the session start, the NLU and the policies' decision; one for the write.
        # With a local store, none for the first: a thread would only share the GIL with the loop.
        if self._prepare_inline:
            turn, pushed, planned = self._prepare(message)
        else:
            turn, pushed, planned = await asyncio.to_thread(self._prepare, message)
        for action in planned.actions:
            if planned.limited and turn.actions_run >= self.config.max_actions_per_turn:
                log.warning("sender=%s: action limit reached", mask_numbers(message.sender_id))
                break
            await self._run_action(action, turn)
        turn.apply(action_executed("action_listen"))
        tracker = turn.tracker
        await asyncio.to_thread(self.store.save, tracker, turn.new_events, fence=fence)
        if log.isEnabledFor(logging.INFO):
            log.info(
                "turn sender=%s intent=%s text=%r replies=%d",
                mask_numbers(message.sender_id),  # a hotline caller id is a phone number
                (tracker.latest_message.get("intent") or {}).get("name"),
                mask_numbers(message.text[:200]),
                len(turn.replies),
            )
        if self.metrics:
            self.metrics.turn(channel=message.input_channel, seconds=time.perf_counter() - started,
                              events=turn.new_events)
        return pushed + [
            BotMessage(message.sender_id, r.get("text"), r.get("buttons") or [], r.get("custom") or {})
            for r in turn.replies
        ]

    def _prepare(self, message: UserMessage) -> tuple[_Turn, list[BotMessage], _Planned]:
        """Blocking: the turn read from the store, its message understood and its actions decided."""
        tracker = self.store.retrieve(message.sender_id)
        turn = _Turn(tracker)
        self._maybe_start_session(turn)
        pushed = undelivered(tracker) if message.deliver_pending else []
        if pushed:
            turn.apply(delivered_marker())
        return turn, pushed, self._understand_and_decide(turn, message)

    # Pushes for channels that cannot push (see bot.pending) ----------------------------------
    async def push_pending(self, sender_id: str, messages: list[BotMessage]) -> None:
        """Keep ``messages`` in the conversation until its next reply or a pending fetch delivers them."""
        async with self.locks.hold(sender_id) as held:
            events = [pending_event(m) for m in messages]
            await asyncio.to_thread(self.store.append, sender_id, events, fence=held.fence)

    async def take_pending(self, sender_id: str) -> list[BotMessage]:
        """The pushes not delivered yet, marked delivered as they are returned."""
        async with self.locks.hold(sender_id) as held:
            tracker = await asyncio.to_thread(self.store.retrieve, sender_id)
            pushed = undelivered(tracker)
            if pushed:
                marker = delivered_marker()
                tracker.update(marker)
                await asyncio.to_thread(self.store.save, tracker, [marker], fence=held.fence)
            return pushed

    # Session --------------------------------------------------------------------------------
    def _maybe_start_session(self, turn: _Turn) -> None:
        tracker = turn.tracker
        last = tracker.last_event_time
        expired = last is not None and self._clock() - last > self.config.session_expiration_minutes * 60
        if last is not None and not expired:
            return
        carried = {k: v for k, v in tracker.slots.items() if v is not None} if self.config.carry_over_slots else {}
        turn.apply(action_executed("action_session_start"))
        turn.apply(session_started())
        for name, value in carried.items():
            turn.apply(slot_set(name, value))
        turn.apply(action_executed("action_listen"))

    # Turn -----------------------------------------------------------------------------------
    def _understand_and_decide(self, turn: _Turn, message: UserMessage) -> _Planned:
        """Blocking (NLU, and the reads of the dossier and handoff policies): the message applied to
        the turn and the actions to run for it."""
        text = message.text
        problem = _input_problem(text)
        if problem:
            parse = {"text": text, "intent": {"name": None, "confidence": 0.0}, "entities": [], "intent_ranking": []}
            turn.apply(user_uttered(text, parse, input_channel=message.input_channel,
                                    message_id=message.message_id, metadata=message.metadata))
            return _Planned(self._reviewed(turn, parse, [problem]), limited=False)
        nlu_text = text
        if len(text) > self.config.max_message_chars:
            half = self.config.max_message_chars // 2
            nlu_text = text[:half] + " … " + text[-half:]
        parse, slot_events = self._understand(text, nlu_text, turn.tracker)
        turn.apply(user_uttered(text, parse, input_channel=message.input_channel,
                                message_id=message.message_id, metadata=message.metadata))
        for event in slot_events:
            turn.apply(event)
        if len(text) > self.config.max_message_chars:
            self._run_utterance("utter_long_message", turn)
        planned = self.first.plan(turn.tracker, parse) if self.first else None
        return _Planned(self._reviewed(turn, parse, planned or self._plan(turn.tracker, parse, slot_events)))

    def _reviewed(self, turn: _Turn, parse: dict[str, Any], planned: list[str]) -> list[str]:
        """The plan as the handoff policy lets it run: nothing while staff hold the conversation."""
        if self.handoff is None:
            return planned
        return self.handoff.review(turn.tracker, parse, planned)

    def _understand(
        self, text: str, nlu_text: str, tracker: DialogueStateTracker
    ) -> tuple[dict[str, Any], list[Event]]:
        parse = self.interpreter.parse(nlu_text).as_parse_result()
        parse["text"] = text
        resolution = resolve_procedure(parse, tracker, self.interpreter)
        parse["procedure_resolution"] = resolution
        return parse, extract_slots(parse, resolution, tracker, self.domain)

    def _plan(self, tracker: DialogueStateTracker, parse: dict[str, Any], slot_events: list[Event]) -> list[str]:
        intent = (parse.get("intent") or {}).get("name") or "out_of_scope"
        confidence = float((parse.get("intent") or {}).get("confidence") or 0.0)
        resolution = parse.get("procedure_resolution") or {}
        if tracker.active_loop:
            requested = tracker.get_slot("requested_slot")
            filled = any(e.get("name") == requested for e in slot_events)
            if (
                requested == "procedure"
                and resolution.get("status") in ("ambiguous", NOT_IN_CATALOGUE)
                and (intent == "inform" or intent in ASPECT_INTENTS)
            ):
                return ["action_deactivate_loop", "action_answer_pending"]
            if filled or intent == "inform":
                return [tracker.active_loop]
            # The user moved on: drop the form and treat the message on its own.
            return ["action_deactivate_loop", *self._plan_intent(intent, confidence, parse)]
        last = tracker.get_slot("last_aspect")
        if intent == "inform" and resolution.get("status") == "context" and last in ASPECT_INTENTS and asks_what_about(
            str(parse.get("text") or "")
        ):
            # "còn ở Trảng Bom thì sao" after the regional wage's amount: the question asked before, of another subject.
            intent, confidence = str(last), 1.0
        return self._plan_intent(intent, confidence, parse)

    def _plan_intent(self, intent: str, confidence: float, parse: dict[str, Any]) -> list[str]:
        ranking = parse.get("intent_ranking") or []
        second = float(ranking[1]["confidence"]) if len(ranking) > 1 else 0.0
        unsure = confidence < self.config.fallback_threshold or (
            confidence - second < self.config.ambiguity_threshold and confidence < 0.6
        )
        resolution = parse.get("procedure_resolution") or {}
        status = resolution.get("status")
        if status == NOT_IN_CATALOGUE and intent != "check_dossier_status":
            # A real procedure we do not hold: declined honestly, whatever was asked about it.
            return ["action_decline_procedure"]
        switched = status == "switched" or bool(resolution.get("chosen"))
        if switched and (unsure or intent in ("inform", "affirm")):
            # "còn gia hạn thì sao": a new procedure and no clear question → the previous question;
            # "có một anh bị mất gplđ thì xin cấp lại sao" asks how, outright.
            text = str(parse.get("text") or "")
            asked = None if asks_what_about(text) else question_at_the_end(text) or _whether(text)
            if asked is None:
                return ["action_answer_pending"]
            intent, confidence, unsure = asked, 1.0, False
        procedure_known = status in ("resolved", "switched", "context")
        named_now = status in ("resolved", "switched")
        # A procedure of ours named in the message puts it in scope, and sad wording is not a
        # complaint unless the classifier is sure: "đứa bé bị bỏ rơi ở cổng chùa, đưa vào trung tâm
        # bảo trợ thì liên hệ ai" asks where to turn.
        story = named_now and (
            intent in ("out_of_scope", "inform")
            or (intent == "complain" and confidence < self.config.sure_aspect_probability)
            # However sure, a story that names one of ours and asks outright where or how is a question:
            # "… đứa nhỏ bị mẹ kế đánh hoài, tui muốn báo mà sợ bị lộ tên, gọi mô".
            or (intent == "complain" and bool(asked_by_wording(str(parse.get("text") or ""))))
        )
        if (unsure or story) and procedure_known:
            # A question one clause asks surely ("…, giờ gia đình muốn cho nó cai thì đăng ký ở đâu")
            # comes before the whole story's vague reading.
            clause = next((e for e in parse.get("additional_intents") or [] if e["name"] in ASPECT_INTENTS), None)
            aspects = [r for r in ranking if r["name"] in ASPECT_INTENTS and (clause is None or r["name"] != clause["name"])]
            if clause is not None:
                aspects.insert(0, clause)
            if aspects and float(aspects[0]["confidence"]) >= self.config.known_procedure_threshold:
                # The procedure is clear and the likeliest question is about it: answer that rather
                # than ask the citizen to rephrase a story ("bố em là thương binh vừa mất, nhà được gì ạ").
                intent, confidence, ranking, unsure = aspects[0]["name"], float(aspects[0]["confidence"]), aspects, False
            elif named_now and not str(parse.get("text", "")).startswith("/"):
                # No reading stands out: the question the message ends with ("… chuyển nơi hưởng sao
                # ạ"), else the procedure's menu, which names it, not "please rephrase".
                asked = question_at_the_end(str(parse.get("text") or ""))
                if asked is None:
                    return ["action_answer_pending"]
                intent, confidence, unsure = asked, 1.0, False
        text = str(parse.get("text") or "")
        asked = None if text.startswith("/") else self._asked_instead(intent, confidence, status, text)
        if asked is not None:
            intent, confidence, unsure = asked, 1.0, False
        if unsure and not str(parse.get("text", "")).startswith("/"):
            return ["action_clarify"]
        planned = self.policy.actions_for(intent) or ["utter_out_of_scope"]
        if intent in ASPECT_INTENTS and resolution.get("code"):
            # "hồ sơ gồm gì và lệ phí bao nhiêu": answer every question of the message, in turn.
            extras = [e["name"] for e in parse.get("additional_intents") or [] if e["name"] in ASPECT_INTENTS]
            companions = companion_aspects(
                intent, confidence, ranking, extras, str(parse.get("text") or ""),
                sure=self.config.sure_aspect_probability, second=self.config.second_aspect_probability,
            )
            for extra in companions:
                if extra in ASPECT_INTENTS:
                    planned += [a for a in self.policy.actions_for(extra) if a not in planned]
        if (intent in ASPECT_INTENTS or intent == "complain") and reports_a_wait(str(parse.get("text") or "")):
            # "nộp 6 tháng rồi mà chưa có kết quả": the time the law sets (or the apology), then the
            # lookup of that dossier — its code asked.
            planned += [a for a in self.policy.actions_for("check_dossier_status") if a not in planned]
        if intent == "thank" and any(e["name"] in ("goodbye", "greet") for e in parse.get("additional_intents") or []):
            # "cảm ơn nhiều, chào ad": after thanks, "chào" takes leave — thank, then say goodbye.
            planned += [a for a in self.policy.actions_for("goodbye") if a not in planned]
        return planned

    def _asked_instead(self, intent: str, confidence: float, status: str | None, text: str) -> str | None:
        """The aspect a message about a known procedure asks outright, when its reading is no question
        (or not surely one); else None. "đóng thấp nhất bn 1 tháng" after voluntary insurance reads as a
        bare statement; "giấy tờ nộp chỗ nào, tôi đi xa không được" as a complaint and "có đưa nó ra
        khỏi nhà tạm thời được không" as a plain no (in context or naming the procedure); "… chưa có tên
        trong hồ sơ thân nhân liệt sĩ, bổ sung sao" as the status of one's own dossier."""
        unsure = confidence < self.config.sure_aspect_probability
        if intent == "inform" and status == "context":
            return question_at_the_end(text)
        if intent == "check_dossier_status" and status in ("resolved", "switched") and unsure:
            return question_at_the_end(text)
        if intent in _NOT_QUESTIONS and status in ("resolved", "switched", "context") and unsure:
            return question_at_the_end(text) or _whether(text)
        return None

    async def _run_action(self, name: str, turn: _Turn) -> None:
        queue = [name]
        while queue:
            if turn.actions_run >= self.config.max_actions_per_turn:
                return
            current = queue.pop(0)
            turn.actions_run += 1
            if current == "action_deactivate_loop":
                turn.apply(action_executed(current))
                turn.apply(active_loop(None))
                turn.apply(slot_set("requested_slot", None))
            elif current.startswith("utter_"):
                self._utter_action(current, turn)
            elif current in self.domain.forms:
                validator = f"validate_{current}"
                if validator in self.actions:
                    # Rasa's form validation: extract and check this turn's values before asking on.
                    queue[:0] = await self._run_custom(validator, turn)
                turn.apply(action_executed(current))
                events, ask = run_form(current, turn.tracker, self.domain)
                for event in events:
                    turn.apply(event)
                if ask:
                    self._utter(ask, turn)
                else:
                    queue[:0] = self.policy.after_form.get(current, [])
            elif current in self.actions:
                queue[:0] = await self._run_custom(current, turn)
            else:
                log.error("no action named %r; answering out_of_scope", current)
                self._utter("utter_ask_rephrase", turn)

    def _run_utterance(self, name: str, turn: _Turn) -> None:
        """``_run_action`` of one ``utter_`` response, without the event loop (it only says something)."""
        if turn.actions_run >= self.config.max_actions_per_turn:
            return
        turn.actions_run += 1
        self._utter_action(name, turn)

    def _utter_action(self, name: str, turn: _Turn) -> None:
        turn.apply(action_executed(name))
        self._utter(name, turn)

    async def _run_custom(self, name: str, turn: _Turn) -> list[str]:
        dispatcher = CollectingDispatcher()
        sdk_tracker = Tracker.from_dict(turn.tracker.current_state())
        events = await self.actions[name].run(dispatcher, sdk_tracker, self.domain.as_dict())
        turn.apply(action_executed(name))
        for reply in dispatcher.messages:
            response = reply.get("response")
            if response and not reply.get("text"):
                template = self.domain.response(response, **dict(self.config.response_variables)) or {}
                reply = {**reply, "text": template.get("text"), "buttons": reply.get("buttons") or template.get("buttons")}
            self._say(reply.get("text"), reply.get("buttons") or [], reply.get("custom") or {}, turn)
        followups: list[str] = []
        for event in events:
            event = {**event, "timestamp": event.get("timestamp") or self._clock()}
            if event.get("event") == "followup":
                followups.append(str(event["name"]))
            turn.apply(event)
        return followups

    def _utter(self, response: str, turn: _Turn) -> None:
        template = self.domain.response(response, **dict(self.config.response_variables))
        if template is None:
            log.error("response %r missing from the domain", response)
            template = self.domain.response("utter_ask_rephrase") or {"text": "Dạ, anh/chị nói rõ hơn giúp em ạ."}
        self._say(template.get("text"), template.get("buttons") or [], template.get("custom") or {}, turn)

    def _say(self, text: str | None, buttons: list[dict[str, str]], custom: dict[str, Any], turn: _Turn) -> None:
        if text and not buttons and any(reply["text"] == text for reply in turn.replies):
            # Two questions of one message answered by the same fact ("quá 3 tháng có nộp ở trung
            # tâm được không": the place, and the conditions beside a yes/no): said once.
            return
        turn.apply(bot_uttered(text, buttons=buttons, custom=custom))
        turn.replies.append({"text": text, "buttons": buttons, "custom": custom})


def _input_problem(text: str) -> str | None:
    """A response name when the text cannot be understood as a question at all."""
    if not text.strip():
        return "utter_empty_message"
    letters = _LETTER.findall(text)
    # Digits are readable too: a dossier code, "4321" or a phone number answers the bot's question.
    readable = len(letters) + sum(ch.isdigit() for ch in text)
    if readable < 2 or readable < 0.3 * len(text.strip()):
        return "utter_unreadable_message"
    latin = sum(1 for ch in letters if _LATIN.match(ch))
    if latin < 0.5 * len(letters):
        return "utter_out_of_scope"
    return None


@dataclass(frozen=True, slots=True)
class _Planned:
    actions: list[str]
    limited: bool = True  # stop (and say so) at the action limit; the reply to unreadable input is short


class _Turn:
    """Events and replies produced during one turn, applied to the tracker as they happen."""

    def __init__(self, tracker: DialogueStateTracker) -> None:
        self.tracker = tracker
        self.new_events: list[Event] = []
        self.replies: list[dict[str, Any]] = []
        self.actions_run = 0

    def apply(self, event: Event) -> None:
        self.tracker.update(event)
        self.new_events.append(event)

"""``bot.context_search``: skipping the context search never changes what it would have found."""

from __future__ import annotations

import random

from bot.context_search import could_switch, distinctive_weight
from bot.service import Service
from nlu.other_procedures import is_other
from nlu.training_data import load_nlu_files


def test_skipping_the_context_search_never_changes_its_result(service: Service) -> None:
    """Over the project's own NLU examples read with procedures in context: whenever the bound says
    no switch is possible, the search indeed finds none (and it does skip a good share of them)."""
    interpreter = service.interpreter
    resolver = interpreter.resolver
    assert resolver is not None
    settings = service.settings
    examples = [e.text for e in load_nlu_files([settings.path(p) for p in settings.nlu_data]).examples]
    codes = sorted(c for c in resolver.index.names if not is_other(c))
    chosen = random.Random(13).sample(examples, 300)
    skipped = 0
    for number, text in enumerate(chosen):
        context = codes[number % len(codes)]
        if not could_switch(text, resolver):
            skipped += 1
            assert interpreter.resolve_in_context(text, context) == [], (text, context)
    assert skipped >= 30  # the bound is worth having: question wording alone is common


def test_question_wording_cannot_switch_but_a_named_sibling_can(service: Service) -> None:
    resolver = service.interpreter.resolver
    assert resolver is not None
    assert not could_switch("thế lệ phí bao nhiêu", resolver)
    assert not could_switch("nộp ở đâu ạ", resolver)
    assert could_switch("còn gia hạn gplđ thì sao", resolver)
    assert distinctive_weight("còn gia hạn gplđ thì sao", resolver) > distinctive_weight(
        "nộp ở đâu ạ", resolver
    )
    work_permit = next(c for c, name in resolver.index.names.items() if "giấy phép lao động" in name.lower())
    assert service.interpreter.resolve_in_context("còn gia hạn gplđ thì sao", work_permit)

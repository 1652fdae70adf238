"""Whether a follow-up could move the conversation to another procedure, before searching for one.

Reading a follow-up together with the procedure in context (``Interpreter.resolve_in_context``) is
the costliest search of a turn: the context's name joins the query, and a long name ("cấp giấy phép
lao động cho người lao động nước ngoài làm việc tại Việt Nam") touches most of the index, ~10 ms.
A candidate it returns must gain at least ``MIN_CONTEXT_GAIN`` from the user's own distinctive
words (the grams of the message that are not question wording), and no candidate can gain more
than those grams weigh together. So when they weigh less ("thế lệ phí bao nhiêu", "nộp ở đâu ạ":
question wording only), the search would return nothing and is not run. The bound is exact, not a
heuristic: ``tests/bot/test_context_search.py`` checks that skipping never changes the result.
"""

from __future__ import annotations

from nlu.components.procedure_resolver import MIN_CONTEXT_GAIN, ProcedureResolver
from nlu.procedure_index import _grams_with_spans, query_tokens

__all__ = ["could_switch", "distinctive_weight"]


def distinctive_weight(text: str, resolver: ProcedureResolver) -> float:
    """The most a context search of ``text`` can credit any procedure for the user's own words:
    the IDF of the message's grams that are not question wording, as the search reads them
    (abbreviations expanded, one-key typos repaired)."""
    index = resolver.index
    tokens = [fixed for token in query_tokens(text, index.abbreviations) for fixed in index._repair(token)]
    own = {gram for gram, _, _ in _grams_with_spans(tokens)}
    return sum(index.idf.get(gram, 0.0) for gram in own - resolver.frame_grams)


def could_switch(text: str, resolver: ProcedureResolver | None) -> bool:
    """False only when no procedure can pass the context search's gain test for ``text``."""
    if resolver is None:
        return True
    return distinctive_weight(text, resolver) >= MIN_CONTEXT_GAIN

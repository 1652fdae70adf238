"""Whether a follow-up could move the conversation to another procedure, before searching for one.

Reading a follow-up together with the procedure in context (``Interpreter.resolve_in_context``) is
the costliest search of a turn: the context's name joins the query, and a long name ("cấp giấy phép
lao động cho người lao động nước ngoài làm việc tại Việt Nam") touches most of the index, ~10 ms.
A candidate it returns must gain at least ``MIN_CONTEXT_GAIN`` from the user's own distinctive
words (the grams of the message that are not question wording) in one of its phrases, and have a
phrase holding ``MIN_CONTEXT_EXPLAINED`` of the message's content words. Both are checked on the
posting lists of the distinctive words alone, without the context's name: when no procedure passes
("thế lệ phí bao nhiêu", "nộp ở đâu ạ": question wording only), the search would return nothing and
is not run. The test is exact, not a heuristic: ``tests/bot/test_context_search.py`` checks that
skipping never changes the result.
"""

from __future__ import annotations

from nlu.components.procedure_resolver import MIN_CONTEXT_EXPLAINED, MIN_CONTEXT_GAIN, ProcedureResolver
from nlu.procedure_index import _grams_with_spans, query_tokens

__all__ = ["could_switch", "distinctive_weight"]


def distinctive_weight(text: str, resolver: ProcedureResolver) -> float:
    """The most a context search of ``text`` can credit any procedure for the user's own words:
    the IDF of the message's grams that are not question wording, as the search reads them
    (abbreviations expanded, one-key typos repaired)."""
    own = _own_grams(text, resolver)
    return sum(resolver.index.idf.get(gram, 0.0) for gram in own - resolver.frame_grams)


def could_switch(text: str, resolver: ProcedureResolver | None) -> bool:
    """False only when no procedure can pass the context search's tests for ``text``: a gain of
    ``MIN_CONTEXT_GAIN`` from the user's distinctive words in one of its phrases, and a phrase
    holding ``MIN_CONTEXT_EXPLAINED`` of the message's content words."""
    if resolver is None:
        return True
    index = resolver.index
    own = _own_grams(text, resolver)
    content = {gram for gram in own if " " not in gram}
    distinctive = own - resolver.frame_grams
    if not content or sum(index.idf.get(gram, 0.0) for gram in distinctive) < MIN_CONTEXT_GAIN:
        return False
    gain: dict[int, float] = {}
    for gram in distinctive:
        weight = index.idf.get(gram, 0.0)
        for phrase in index.postings(gram).tolist():
            gain[phrase] = gain.get(phrase, 0.0) + weight
    gaining = {index.phrases[phrase].code for phrase, value in gain.items() if value >= MIN_CONTEXT_GAIN}
    if not gaining:
        return False
    needed = MIN_CONTEXT_EXPLAINED * len(content)
    by_code = _phrases_by_code(resolver)
    return any(len(content.intersection(grams)) >= needed for code in gaining for grams in by_code.get(code, ()))


def _own_grams(text: str, resolver: ProcedureResolver) -> set[str]:
    index = resolver.index
    tokens = [fixed for token in query_tokens(text, index.abbreviations) for fixed in index._repair(token)]
    return {gram for gram, _, _ in _grams_with_spans(tokens)}


_BY_CODE: dict[int, dict[str, list[tuple[str, ...]]]] = {}


def _phrases_by_code(resolver: ProcedureResolver) -> dict[str, list[tuple[str, ...]]]:
    """Each procedure's phrases' grams; computed once per index (a trained index does not change)."""
    key = id(resolver.index)
    if key not in _BY_CODE:
        grouped: dict[str, list[tuple[str, ...]]] = {}
        for phrase in resolver.index.phrases:
            grouped.setdefault(phrase.code, []).append(phrase.grams)
        _BY_CODE.clear()  # one model per process
        _BY_CODE[key] = grouped
    return _BY_CODE[key]

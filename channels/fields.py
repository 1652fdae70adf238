"""Request fields the HTTP channels share, refusing at the edge what no store could keep.

The rules are ``bot.storable``'s; here they become pydantic types, so a request breaking one gets
the app's ``422 {"error": "invalid request body", "details": [{"field", "problem"}]}``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from pydantic import AfterValidator, Field

from bot.storable import metadata_problem, sender_problem, text_problem

__all__ = ["Metadata", "SenderId", "StoredText"]


def _refusing(problem_of: Callable[[Any], str | None]) -> AfterValidator:
    def check(value: Any) -> Any:
        problem = problem_of(value)
        if problem:
            raise ValueError(problem)
        return value

    return AfterValidator(check)


SenderId = Annotated[str, Field(min_length=1, max_length=255), _refusing(sender_problem)]
StoredText = Annotated[str, _refusing(lambda value: text_problem(value))]  # for a text column
Metadata = Annotated[dict[str, Any] | None, _refusing(metadata_problem)]

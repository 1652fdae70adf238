"""Follow-ups between sibling procedures (issue 9): a paper that the procedure in context asks for
keeps it, though a sibling's keywords hold the paper too; our own sentences, through REST."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from tests.conftest import joined, say

MERIT_DEATH = 'về thủ tục "Giải quyết chế độ mai táng phí và trợ cấp một lần khi người có công với cách mạng từ trần"'
SURVIVOR = 'về thủ tục "Giải quyết hưởng chế độ tử tuất'
DIPLOMA_COPY = "Cấp bản sao văn bằng"


def conversation(client: TestClient, *messages: str) -> list[str]:
    user = f"siblings-{uuid.uuid4().hex[:8]}"
    return [joined(say(client, user, message)) for message in messages]


@pytest.mark.parametrize("paper", ["thế có cần giấy chứng tử không", "hồ sơ cần giấy chung tu nữa à"])
def test_a_death_certificate_asked_after_a_merit_funeral_allowance_keeps_it(client: TestClient, paper: str) -> None:
    first, papers = conversation(client, "ông nội tôi là thương binh, mới từ trần tháng trước, gia đình nhận mai táng phí ở đâu", paper)
    assert MERIT_DEATH in first
    assert MERIT_DEATH in papers and SURVIVOR not in papers


def test_a_copy_of_a_lost_diploma_still_moves_on_from_the_school_registration(client: TestClient) -> None:
    _, copy = conversation(
        client, "trường trung cấp chúng tôi muốn đăng ký thêm nghề may công nghiệp thì làm hồ sơ gì",
        "con tôi làm mất bằng nghề rồi, muốn xin bản sao từ sổ gốc thì cần giấy tờ gì",
    )
    assert DIPLOMA_COPY in copy

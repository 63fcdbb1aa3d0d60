"""Conversations that follow the person (issue 11), through the real server on loopback: SMS
webhooks signed with twilio's RequestValidator, and Telegram updates posted to the webhook
with the bot's replies going to the local Bot API stand-in. The messages are the ones
residents really sent; the catalogue is the bundled sample."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from conftest import Server
from fakes.telegram_api import FakeBotApi
from test_sms import messages_of, post_sms, twilio_form
from test_telegram import post_update, text_update

from bot.render import segments


def rows(db_path: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql, params).fetchall()


@dataclass
class Texter:
    """One resident texting the SMS number; `say` returns every body of the reply, joined."""

    http: aiohttp.ClientSession
    server: Server
    number: str
    bodies: list[str] = field(default_factory=list)

    async def say(self, text: str) -> str:
        status, twiml = await post_sms(self.http, self.server, twilio_form(text, self.number))
        assert status == 200, (text, twiml)
        self.bodies = messages_of(twiml)
        return "\n".join(self.bodies)

    @property
    def segments(self) -> int:
        return sum(segments(body) for body in self.bodies)


@dataclass
class Chatter:
    """One person on Telegram; `say` returns the bot's messages (HTML) joined, and keeps the
    buttons of the last one."""

    http: aiohttp.ClientSession
    server: Server
    bot_api: FakeBotApi
    chat: int
    buttons: list[str] = field(default_factory=list)

    async def say(self, text: str) -> str:
        before = len(self.bot_api.sent)
        assert await post_update(self.http, self.server, text_update(text, self.chat)) == 200
        await self.bot_api.wait_sent(before + 1)  # delivered through the outbox
        await self.bot_api.wait_sent(before + 2, timeout=0.3)  # any second message
        sent = self.bot_api.sent[before:]
        assert sent, f"no reply to {text!r}"
        markup = sent[-1].get("reply_markup") or {}
        self.buttons = [b["text"] for row in markup.get("inline_keyboard", []) for b in row]
        return "\n\n".join(str(m["text"]) for m in sent)


_numbers = iter(range(100, 10_000))


@pytest.fixture
def texter(http: aiohttp.ClientSession, server: Server) -> Any:
    return lambda: Texter(http, server, f"+4477009{next(_numbers):05}")


# -- 1. follow-ups about the entry just shown -----------------------------------------------

async def test_sms_follow_ups_after_the_food_bank_answer_come_from_its_fields(
    texter: Any,
) -> None:
    person = texter()
    first = await person.say("where can i get food, fridge is empty til payday")
    assert first.startswith("Sample Borough Food Bank:")
    assert "Bulky waste" not in first.split("\n")[0]
    where = await person.say("where is it?")
    assert where == "Sample Borough Food Bank is at St Mark's Hall, 4 Church Street, " \
        "Sampleton ZZ1 6JK."
    more = await person.say("more info")
    assert "Three days of food for you and your family." in more
    opens = await person.say("what time does it open")
    assert opens == "Sample Borough Food Bank is open Tue and Fri 10am-1pm, Thu 5pm-7pm."
    apply = await person.say("how do i apply")
    assert apply.startswith("How to apply for Sample Borough Food Bank: Get a voucher from a "
                            "Family Hub, GP or advice centre, or drop in.")
    website = await person.say("website?")
    assert "https://sample-borough.example.org/food-bank" in website


async def test_sms_youth_club_opening_times_despite_the_spelling(texter: Any) -> None:
    person = texter()
    assert (await person.say("youth club")).startswith("Northgate Youth Club:")
    assert await person.say("wat time does it open") == \
        "Northgate Youth Club is open Mon, Wed, Fri 6pm-9pm."
    assert await person.say("who can go?") == "Northgate Youth Club is for ages 11 to 19. " \
        "It is for people in Northgate."
    assert (await person.say("how much is it")).startswith("Free youth club for 11 to 19")


async def test_sign_up_after_a_volunteering_role_starts_the_sign_up(texter: Any) -> None:
    person = texter()
    shown = await person.say("volunteer at the food bank")
    assert shown.startswith("Volunteer at the food bank:")
    assert "Would you like to sign up for Volunteer at the food bank?" in shown
    signed = await person.say("how do i sign up")
    assert signed == ("Great! To sign up for Volunteer at the food bank: what's your first "
                      "name?")


async def test_not_happy_with_that_after_a_plan_objects_to_that_plan(
    texter: Any, db_path: Path
) -> None:
    person = texter()
    await person.say("what is the council planning?")
    shown = await person.say("1")
    assert shown.startswith("Plan for a low traffic neighbourhood in Southfields:")
    asked = await person.say("I'm not happy with that")
    assert "Do you want to object to Plan for a low traffic neighbourhood in Southfields?" in asked
    assert "What would you like to object to?" not in asked
    assert "What is your postcode?" in await person.say("yes")
    # a postcode inside a sentence is understood
    assert "Why do you object" in await person.say("my postcode is ZZ1 1AB")
    assert rows(db_path, "SELECT postcode FROM people WHERE address = ?",
                (person.number,)) == [("ZZ1 1AB",)]
    done = await person.say("it will push traffic onto my road")
    assert "your objection to Plan for a low traffic neighbourhood in Southfields is recorded" \
        in done


async def test_not_happy_with_that_after_a_service_offers_to_object_or_correct(
    texter: Any,
) -> None:
    person = texter()
    await person.say("youth club")
    asked = await person.say("I'm not happy with that")
    assert "Do you want to object to Northgate Youth Club, or was it the wrong answer?" in asked
    assert "Sorry, I couldn't find anything" not in asked
    assert "What were you looking for?" in await person.say("2")


# -- 2. whose need it is ---------------------------------------------------------------------

async def test_a_parent_asking_for_their_kids_is_asked_the_childs_age(texter: Any) -> None:
    person = texter()
    asked = await person.say("can my kids get free school dinners?")
    assert "How old are your children?" in asked
    assert "How old are you?" not in asked
    assert "Universal Credit" in await person.say("she's 9")
    result = await person.say("yes")
    assert result.startswith("Your child is likely to be able to get Free school meals.")
    assert "you said you are" not in result
    # the child's age is not the parent's: a check for the parent asks the parent's age
    assert "How old are you?" in await person.say("can I get Discretionary Housing Payment?")
    verdict = await person.say("38")
    assert "you said you are 9" not in verdict


async def test_an_age_in_the_first_message_is_not_asked_again(texter: Any) -> None:
    person = texter()
    first = await person.say("I'm 16 and can't afford the bus to college")
    assert first.startswith("16 to 19 Bursary Fund:")
    asked = await person.say("yes")
    assert "How old" not in asked
    assert "Is this for you" not in asked  # "I'm 16" said whose it is
    assert "Are you in full-time education or training?" in asked
    assert "You are likely to be able to get 16 to 19 Bursary Fund." in await person.say("yes")


async def test_whose_check_is_asked_only_when_the_message_does_not_say(texter: Any) -> None:
    person = texter()
    await person.say("free school meals")
    assert "Is this for you or for someone else?" in await person.say("yes")
    assert "How old is your son?" in await person.say("for my son")
    assert "Universal Credit" in await person.say("nine")
    assert (await person.say("yeah")).startswith(
        "Your son is likely to be able to get Free school meals.")


# -- 3. natural answers inside a flow --------------------------------------------------------

async def test_a_benefits_answer_in_words_keeps_the_check_going(texter: Any) -> None:
    person = texter()
    await person.say("can I get council tax reduction?")
    await person.say("34")
    answered = await person.say("dunno i think so, i get PIP")
    assert "PIP and DLA are not income-related on their own" in answered
    assert "You may be able to get Council Tax Reduction." in answered
    person2 = texter()
    await person2.say("can I get council tax reduction?")
    await person2.say("thirty four")
    assert "You are likely to be able to get Council Tax Reduction." in \
        await person2.say("yes i get universal credit")


async def test_a_new_question_inside_a_check_says_the_check_is_left(texter: Any) -> None:
    person = texter()
    await person.say("what can I get?")
    left = await person.say("where is the food bank")
    assert left.startswith("I've stopped the check (answers kept: CARRY ON goes back to it).")
    assert "Sample Borough Food Bank" in left


# -- 4. small talk -----------------------------------------------------------------------------

SMALL_TALK = ["thanks", "ok thanks", "bye", "lol", "\U0001f44d", "hello?", "Perfect, thank you!"]


async def test_small_talk_gets_a_human_reply_and_is_no_unmet_need(
    texter: Any, db_path: Path
) -> None:
    person = texter()
    for said in SMALL_TALK:
        reply = await person.say(said)
        assert "Sorry, I couldn't find anything" not in reply, said
        assert reply.strip(), said
    assert rows(db_path, "SELECT COUNT(*) FROM unmet_needs") == [(0,)]


async def test_small_talk_does_not_disturb_a_check(texter: Any) -> None:
    person = texter()
    await person.say("can I get council tax reduction?")
    reply = await person.say("thanks")
    assert reply.startswith("You're welcome.")
    assert "How old are you?" in reply  # the question is put again
    assert "Universal Credit" in await person.say("40")


# -- 5. two texts at most -------------------------------------------------------------------

SCRIPTS = [
    ["hi", "MENU", "HELP", "what is the council planning?", "more", "more", "2",
     "I'm not happy with that", "yes", "my postcode is ZZ1 2AB", "skip"],
    ["what can I get?", "35", "yes", "no", "yes", "no", "no", "no", "no", "no", "no", "no",
     "no", "no", "no", "more", "more", "1"],
    ["free school meals", "yes", "for my daughter", "7", "not sure", "no", "skip"],
    ["where can i get food, fridge is empty til payday", "where is it?", "more info",
     "what time does it open", "is it free", "who runs it", "phone number", "thanks"],
    ["bins not been collected for 3 weeks", "how do i report it", "website", "bye"],
    ["volunteer at the food bank", "how do i sign up", "sign me up", "when", "lol"],
    ["I'm 16 and can't afford the bus to college", "yes", "yes", "1", "great thanks"],
    ["help paying rent", "1", "MY DATA", "rate it 4", "friendly", "FORGET ME", "no"],
    ["youth club", "wat time does it open", "I'm not happy with that", "1", "ZZ1 3AB",
     "It closes too early", "withdraw my objection"],
    ["school", "2", "tell me more", "can I get it?", "12", "yes"],
]


@pytest.mark.parametrize("script", SCRIPTS, ids=[s[0] for s in SCRIPTS])
async def test_no_sms_reply_is_over_two_segments(texter: Any, script: list[str]) -> None:
    person = texter()
    for said in script:
        await person.say(said)
        assert person.bodies, f"no reply to {said!r}"
        assert person.segments <= 2, (said, person.bodies)


async def test_sms_welcome_menu_and_help_fit_and_long_lists_are_paged(texter: Any) -> None:
    person = texter()
    for said in ("hi", "MENU", "HELP"):
        reply = await person.say(said)
        assert person.segments <= 2, said
        assert reply.endswith(("Reply 1, 2 or 3", "START to get them again.")), said
    plans = await person.say("what is the council planning?")
    assert plans.endswith("Reply 1, 2 or 3, or MORE")
    page2 = await person.say("MORE")
    assert page2.startswith("4 to 6 of 7:")
    assert "Plan to close Millbrook Library" in page2
    page3 = await person.say("more")
    assert page3.startswith("The last of 7:") and page3.endswith("Reply 1")


async def test_what_can_i_get_numbers_every_item_it_names(texter: Any) -> None:
    person = texter()
    reply = await person.say("what can I get?")
    for _ in range(20):
        if "likely" in reply:
            break
        answer = "40" if "How old" in reply else "yes" if "disability" in reply else \
            "not sure" if "look after someone" in reply else "no"
        reply = await person.say(answer)
    first, *listed = reply.split("\n")
    assert first.startswith("You are likely to be able to get 4 things, and may get 1 more "
                            "(something was \"not sure\").")
    assert listed == ["1. Blue Badge", "2. Disabled Facilities Grant",
                      "3. Disabled person's bus pass", "Reply 1, 2 or 3, or MORE"]
    assert person.segments <= 2
    rest = await person.say("more")
    assert rest.split("\n")[0] == "4 to 5 of 5:"
    assert rest.endswith("Reply 1 or 2")


# -- Telegram keeps its richer layout, and the same follow-ups --------------------------------

async def test_telegram_follow_ups_and_a_childs_check(
    http: aiohttp.ClientSession, webhook: Server, bot_api: FakeBotApi
) -> None:
    person = Chatter(http, webhook, bot_api, chat=7777)
    card = await person.say("where can i get food, fridge is empty til payday")
    assert card.startswith("<b>Sample Borough Food Bank</b>")
    assert "Open: Tue and Fri 10am-1pm" in card
    assert await person.say("where is it?") == \
        "Sample Borough Food Bank is at St Mark's Hall, 4 Church Street, Sampleton ZZ1 6JK."
    assert "Thursday" not in await person.say("what time does it open")
    asked = await person.say("can my kids get free school dinners?")
    assert "How old are your children?" in asked
    await person.say("my son is 9")
    result = await person.say("yes")
    assert "Your son is likely to be able to get Free school meals." in result
    assert person.buttons == ["Yes", "No"]
    assert (await person.say("thanks")).startswith("You're welcome.")


async def test_telegram_plans_objection_natural_answers_and_small_talk(
    http: aiohttp.ClientSession, webhook: Server, bot_api: FakeBotApi, db_path: Path
) -> None:
    person = Chatter(http, webhook, bot_api, chat=8888)
    await person.say("what is the council planning?")
    assert len(person.buttons) == 7 and "More" not in person.buttons  # no paging on Telegram
    assert (await person.say("Plan to close Millbrook Library")).startswith(
        "<b>Plan to close Millbrook Library</b>")
    assert "Do you want to object to Plan to close Millbrook Library?" in \
        await person.say("I'm not happy with that")
    await person.say("yes")
    assert "Why do you object" in await person.say("my postcode is ZZ1 4AB")
    assert "is recorded" in await person.say("skip")
    await person.say("can I get council tax reduction?")
    await person.say("forty")
    answered = await person.say("dunno i think so, i get PIP")
    assert "You may be able to get Council Tax Reduction." in answered
    for said in ("lol", "\U0001f44d", "bye"):
        assert "couldn't find" not in await person.say(said)
    assert rows(db_path, "SELECT COUNT(*) FROM unmet_needs") == [(0,)]


@pytest.fixture
async def webhook(make_server: Any, settings: Any, bot_api: FakeBotApi) -> Server:
    from dataclasses import replace

    from conftest import BOT_TOKEN
    from test_telegram import SECRET

    server: Server = await make_server(
        replace(settings, telegram_bot_token=BOT_TOKEN, telegram_api_base_url=bot_api.base_url),
        telegram_webhook_url="https://support.example.org/telegram",
        telegram_secret_token=SECRET)
    return server

"""Tests for retold.segment: sentences, paragraphs, words and script-based language guesses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retold import segment
from retold.article import Article, Boilerplate, Span
from retold.segment import Sentence, detect_language, split_paragraphs, split_sentences, word_spans


def sentences(text: str) -> list[str]:
    return [s.text for s in split_sentences(Article(text))]


# --------------------------------------------------------------------------------------------------
# English news text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "U.S. officials met U.K. envoys on Tuesday. The talks went well.",
            ["U.S. officials met U.K. envoys on Tuesday.", "The talks went well."],
        ),
        (
            "Gen. Mark Ames and Sen. Ruth Olsen spoke. Rep. Dan Kowal did not.",
            ["Gen. Mark Ames and Sen. Ruth Olsen spoke.", "Rep. Dan Kowal did not."],
        ),
        (
            "Dr. Ina Berg met Mr. and Mrs. Tull at noon. They left.",
            ["Dr. Ina Berg met Mr. and Mrs. Tull at noon.", "They left."],
        ),
        (
            "The vote is set for Jan. 5 and Feb. 12. A recount follows in Sept. 2025.",
            ["The vote is set for Jan. 5 and Feb. 12.", "A recount follows in Sept. 2025."],
        ),
        (
            "Harlow Inc. said profits fell. Brenn Corp. and Tavish Ltd. declined to comment.",
            ["Harlow Inc. said profits fell.", "Brenn Corp. and Tavish Ltd. declined to comment."],
        ),
        (
            "She is ranked No. 2 in the world. She was No. 1 last year.",
            ["She is ranked No. 2 in the world.", "She was No. 1 last year."],
        ),
        (
            "The blast came at 6 a.m. Eastern time and rescuers arrived by 7 p.m. on Monday. Nobody died.",
            [
                "The blast came at 6 a.m. Eastern time and rescuers arrived by 7 p.m. on Monday.",
                "Nobody died.",
            ],
        ),
        (
            "Some crops, e.g. the wheat, failed. Others, i.e. the barley, did not.",
            ["Some crops, e.g. the wheat, failed.", "Others, i.e. the barley, did not."],
        ),
        (
            "The fire started on Elm St. near the school. St. Jude's was spared.",
            ["The fire started on Elm St. near the school.", "St. Jude's was spared."],
        ),
        (
            "George W. Bush and J.K. Rowling never met. J. K. Simmons did.",
            ["George W. Bush and J.K. Rowling never met.", "J. K. Simmons did."],
        ),
        (
            "Prices rose 3.5 percent. The index stood at 101.25 points.",
            ["Prices rose 3.5 percent.", "The index stood at 101.25 points."],
        ),
        (
            "He moved to the U.S. He never came back.",
            ["He moved to the U.S.", "He never came back."],
        ),
    ],
)
def test_english_abbreviations_initials_and_numbers(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "“We will rebuild. We will not leave,” he said. The crowd cheered.",
            ["“We will rebuild.", "We will not leave,” he said.", "The crowd cheered."],
        ),
        (
            '"We will rebuild. We will not leave," he said. The crowd cheered.',
            ['"We will rebuild.', 'We will not leave," he said.', "The crowd cheered."],
        ),
        (
            "“Will they come back?” asked the mayor. Nobody answered.",
            ["“Will they come back?” asked the mayor.", "Nobody answered."],
        ),
        (
            "“We stay.” Mayor Okafor said. The council agreed.",
            ["“We stay.” Mayor Okafor said.", "The council agreed."],
        ),
        (
            "“Never!” she shouted. Then she left.",
            ["“Never!” she shouted.", "Then she left."],
        ),
        (
            "The river rose — fast — and the bridge fell. Roads were cut – again.",
            ["The river rose — fast — and the bridge fell.", "Roads were cut – again."],
        ),
        (
            "He waited... Then the lights went out… Nobody moved.",
            ["He waited...", "Then the lights went out…", "Nobody moved."],
        ),
        (
            "It was, he said… well, strange. Who knew?! Nobody.",
            ["It was, he said… well, strange.", "Who knew?!", "Nobody."],
        ),
        (
            "« Nous restons. » Le maire a parlé.",
            ["« Nous restons. »", "Le maire a parlé."],
        ),
        (
            "Der Minister sagte: „Wir werden die Steuern nicht erhöhen.“ Die Opposition kritisierte den Plan.",
            [
                "Der Minister sagte: „Wir werden die Steuern nicht erhöhen.“",
                "Die Opposition kritisierte den Plan.",
            ],
        ),
        (
            "„Wir bleiben. Wir bauen auf.“ Der Bürgermeister nickte.",
            ["„Wir bleiben.", "Wir bauen auf.“", "Der Bürgermeister nickte."],
        ),
        (
            "Er sagte: »Wir gehen nicht!« Dann schwieg er. Sie rief: ‚Nie!‘ Alle lachten.",
            ["Er sagte: »Wir gehen nicht!«", "Dann schwieg er.", "Sie rief: ‚Nie!‘", "Alle lachten."],
        ),
        (
            "„Wir bleiben!“ sagte der Bürgermeister. Alle jubelten.",
            ["„Wir bleiben!“ sagte der Bürgermeister.", "Alle jubelten."],
        ),
        (  # “ opens an English quotation: without „ before it, it is no closer
            "He said.“We stay.” Then he left.",
            ["He said.“We stay.”", "Then he left."],
        ),
    ],
)
def test_quotes_dashes_and_ellipses(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_no_sentence_starts_with_a_closing_quote_or_an_attribution() -> None:
    text = (
        "“The water came at night. We lost everything. We will rebuild,” said Amal Reyes, 54. "
        "“It will take years!” she added. “Maybe more?” he asked. ‘Not here,’ they said."
    )
    for sentence in sentences(text):
        assert sentence[0] not in "”’,"
        assert not sentence.startswith(("he ", "she ", "said", "they "))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The U.S. Army said it would stay. Ph.D. students left.",
            ["The U.S. Army said it would stay.", "Ph.D. students left."],
        ),
        (
            "1. The levee must hold. 2. The pumps must run.",
            ["1. The levee must hold.", "2. The pumps must run."],
        ),
        (
            "(The mayor declined to comment.) Crews worked on.",
            ["(The mayor declined to comment.)", "Crews worked on."],
        ),
        (
            "Photos are at www.Wirenews.example/Flood today. Write to desk@Wire.example now.",
            ["Photos are at www.Wirenews.example/Flood today.", "Write to desk@Wire.example now."],
        ),
        (
            "Tolls rose in Tacoma, Wash. Police blamed the storm.",
            ["Tolls rose in Tacoma, Wash. Police blamed the storm."],
        ),
        ("He grew up in Tacoma, Wash. He left in 1990.", ["He grew up in Tacoma, Wash.", "He left in 1990."]),
        ("“我们会重建。”他说。市民很高兴。", ["“我们会重建。”他说。", "市民很高兴。"]),
        ("“我们会重建。”然后他走了。", ["“我们会重建。”", "然后他走了。"]),
    ],
)
def test_more_news_conventions(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_missing_space_after_period_still_splits() -> None:
    assert sentences("The dam held.Residents returned home.") == ["The dam held.", "Residents returned home."]
    assert sentences("See example.com for details.") == ["See example.com for details."]


# --------------------------------------------------------------------------------------------------
# Other scripts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("شہر میں بارش ہوئی۔ سڑکیں بند ہیں۔", ["شہر میں بارش ہوئی۔", "سڑکیں بند ہیں۔"]),
        ("هل انتهت الأزمة؟ لا! قال الوزير ذلك.", ["هل انتهت الأزمة؟", "لا!", "قال الوزير ذلك."]),
        ("大桥今天通车。市民很高兴！你去了吗？", ["大桥今天通车。", "市民很高兴！", "你去了吗？"]),
        (
            "橋が開通した。「本当にうれしい！」と市民は話した。",
            ["橋が開通した。", "「本当にうれしい！」と市民は話した。"],
        ),
        ("पुल आज खुला। लोग खुश हैं।", ["पुल आज खुला।", "लोग खुश हैं।"]),
        ("Мост открыли. Жители рады! Кто платит?", ["Мост открыли.", "Жители рады!", "Кто платит?"]),
        ("Կամուրջը բացվեց։ Մարդիկ ուրախ են։", ["Կամուրջը բացվեց։", "Մարդիկ ուրախ են։"]),
        ("Η γέφυρα άνοιξε. Οι κάτοικοι χάρηκαν.", ["Η γέφυρα άνοιξε.", "Οι κάτοικοι χάρηκαν."]),
        ("GDP 成长了３．５％。", ["GDP 成长了３．５％。"]),
    ],
)
def test_sentence_terminals_of_every_script(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # German days written as ordinals before the month.
        ("Das Gesetz tritt am 1. Juli in Kraft. Es gilt für alle.",
         ["Das Gesetz tritt am 1. Juli in Kraft.", "Es gilt für alle."]),
        ("Es gilt bis 30. November. Dann nicht.", ["Es gilt bis 30. November.", "Dann nicht."]),
        # ... but English April, August, September and November open sentences after a number.
        ("The vote was 5 to 4. April saw more.", ["The vote was 5 to 4.", "April saw more."]),
        # Spanish, French and German titles and "EE. UU." (the United States).
        ("Los EE. UU. anunciaron sanciones. La Sra. García habló.",
         ["Los EE. UU. anunciaron sanciones.", "La Sra. García habló."]),
        ("Sanciones de EE. UU. El gobierno respondió.", ["Sanciones de EE. UU.", "El gobierno respondió."]),
        ("Mme. Dupont a parlé. Hr. Weber nicht.", ["Mme. Dupont a parlé.", "Hr. Weber nicht."]),
        # EE alone is a name (a British phone company), and a superscript is no day of a month.
        ("He joined BT and EE. The firm grew.", ["He joined BT and EE.", "The firm grew."]),
        ("Emissions fell 12% in 2020¹. The report came out on Monday.",
         ["Emissions fell 12% in 2020¹.", "The report came out on Monday."]),
        # German "z. B.", "d. h.", "u. a.", "bzw." and ordinals after an article or "zum".
        ("Viele Parteien, z. B. Die Grünen, stimmten zu. Dann ging es los.",
         ["Viele Parteien, z. B. Die Grünen, stimmten zu.", "Dann ging es los."]),
        ("Es gilt ab sofort, d. h. Mieter zahlen weniger. Er traf u. a. Müller. Der Preis bzw. Die Kosten.",
         ["Es gilt ab sofort, d. h. Mieter zahlen weniger.", "Er traf u. a. Müller.",
          "Der Preis bzw. Die Kosten."]),
        ("Der 1. FC Köln gewann. Zum 2. Mal siegte er. Laut Dr. Müller war es im Jahr 2023. Die Fans jubelten.",
         ["Der 1. FC Köln gewann.", "Zum 2. Mal siegte er.", "Laut Dr. Müller war es im Jahr 2023.",
          "Die Fans jubelten."]),
        ("I am 12. The teacher knows.", ["I am 12.", "The teacher knows."]),
        # Russian "г." before a city (after a year it may end the sentence), "т. е." and "им.".
        ("Совещание прошло в г. Москве. Участники обсудили бюджет.",
         ["Совещание прошло в г. Москве.", "Участники обсудили бюджет."]),
        ("Это было в 2023 г. Потом всё изменилось.", ["Это было в 2023 г.", "Потом всё изменилось."]),
        ("Он учился в МГУ им. Ломоносова, т. е. В Москве. Потом уехал.",
         ["Он учился в МГУ им. Ломоносова, т. е. В Москве.", "Потом уехал."]),
        # Hindi डॉ. ("Dr.").
        ("फिर वह चला गया। डॉ. शर्मा ने कहा कि स्थिति ठीक है।", ["फिर वह चला गया।", "डॉ. शर्मा ने कहा कि स्थिति ठीक है।"]),
    ],
)  # fmt: skip
def test_abbreviations_and_dates_of_other_languages(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The bridge opened on Monday and the mayor said it was a good day for the city.", "en"),
        ("شہر میں بارش ہوئی۔ سڑکیں بند ہیں اور لوگ گھروں میں ہیں۔", "ur"),
        ("هل انتهت الأزمة؟ قال الوزير إن الحكومة تعمل على الحل.", "ar"),
        ("大桥今天通车。市民很高兴！", "zh"),
        ("橋が開通した。「本当にうれしい！」と市民は話した。", "ja"),
        ("다리가 오늘 개통되었다. 시민들은 기뻐했다.", "ko"),
        ("Мост открыли. Жители рады!", "ru"),
        ("Міст відкрили. Мешканці раді, що їздять.", "uk"),
        ("Η γέφυρα άνοιξε. Οι κάτοικοι χάρηκαν.", "el"),
        ("הגשר נפתח היום והתושבים שמחו.", "he"),
        ("पुल आज खुला। लोग खुश हैं।", "hi"),
        ("Կամուրջը բացվեց։", "hy"),
        ("Le pont est ouvert et les habitants sont contents pour la ville.", "fr"),
        # Too few function words for the word lists; the character n-gram model decides.
        ("BioReliance's stock closed down 2 cents yesterday at $47.98 per share.", "en"),
        # One listed word is chance: German "die" in an English sentence.
        ("Every day more American soldiers die.", "en"),
        ("Most został otwarty w poniedziałek, a burmistrz powiedział, że to dobry dzień.", "pl"),
        ("Zxq vrolt Krambek Yastin Olvero Tumbrel.", None),
        ("Apple Microsoft Google Amazon Meta Nvidia Tesla", None),
        ("", None),
        ("2024 — 3.5 / 17", None),
    ],
)
def test_detect_language(text: str, language: str | None) -> None:
    assert detect_language(text) == language


def test_detect_language_gives_two_letter_codes_only() -> None:
    # Half English, half Chinese: the n-gram model's best guess is Wu Chinese ("wuu"), which is Chinese.
    mixed = "A new ferry line opened in Ningbo on Monday. 宁波的新渡轮线路周一开通。Passengers praised the view. 乘客们称赞了风景。"
    assert detect_language(mixed) == "zh"


@pytest.mark.parametrize(
    ("model_says", "language"), [("yue", "zh"), ("arz", "ar"), ("vec", None), ("en", "en")]
)
def test_the_language_models_three_letter_codes_become_two_letter_ones_or_none(
    monkeypatch: pytest.MonkeyPatch, model_says: str, language: str | None
) -> None:
    class Model:
        def classify(self, sample: str) -> tuple[str, float]:
            return model_says, 0.9

    monkeypatch.setattr(segment, "_language_identifier", Model)
    assert detect_language("Zxq vrolt Krambek Yastin Olvero Tumbrel.") == language


# --------------------------------------------------------------------------------------------------
# Paragraphs and boilerplate


def test_paragraphs_are_blocks_between_blank_lines() -> None:
    text = "  Flood Hits Delta\n\nThe river rose overnight.\nIt kept\nrising.\n \n\nResidents fled.  \n"
    assert [(p.text, text[p.start : p.end]) for p in split_paragraphs(text)] == [
        ("Flood Hits Delta", "Flood Hits Delta"),
        ("The river rose overnight.\nIt kept\nrising.", "The river rose overnight.\nIt kept\nrising."),
        ("Residents fled.", "Residents fled."),
    ]


def test_single_newlines_split_when_lines_are_paragraphs() -> None:
    text = "Flood Hits Delta\nThe river rose overnight. Many fled.\nRescue teams arrived at dawn."
    assert [p.text for p in split_paragraphs(text)] == [
        "Flood Hits Delta",
        "The river rose overnight. Many fled.",
        "Rescue teams arrived at dawn.",
    ]


def test_hard_wrapped_lines_stay_one_paragraph() -> None:
    text = "The river rose overnight and the\nresidents of three villages fled to\nhigher ground before dawn."
    assert [p.text for p in split_paragraphs(text)] == [text]


def test_indented_lines_open_paragraphs_in_wrapped_text() -> None:
    text = (
        "Grain exports rose in the week to\nFebruary 11, the board said.\n"
        "    Wheat shipments were the largest\nsince 1985.\n"
        "    Maize was unchanged."
    )
    assert [p.text for p in split_paragraphs(text)] == [
        "Grain exports rose in the week to\nFebruary 11, the board said.",
        "Wheat shipments were the largest\nsince 1985.",
        "Maize was unchanged.",
    ]


def test_split_paragraphs_respects_the_range() -> None:
    text = "Header: x\n\nFirst para.\n\nSecond para."
    spans = split_paragraphs(text, 11)
    assert spans == [Span(11, 22, "First para."), Span(24, 36, "Second para.")]
    with pytest.raises(ValueError):
        split_paragraphs(text, 5, 2)


def test_headline_without_punctuation_is_one_sentence() -> None:
    text = "Flood Hits Delta Villages\n\nThe river rose overnight. Many fled."
    result = split_sentences(Article(text))
    assert [(s.text, s.paragraph) for s in result] == [
        ("Flood Hits Delta Villages", 0),
        ("The river rose overnight.", 1),
        ("Many fled.", 1),
    ]


def test_boilerplate_is_left_out_and_dateline_cut_off_the_first_sentence() -> None:
    text = (
        "Title: Flood Hits Delta\n\n"
        "Flood Hits Delta\n\n"
        "By Mara Quist\n\n"
        "PORT ELLIS (Wire) — The river rose overnight. Many fled.\n\n"
        "Photo: Wire staff"
    )

    def bp(kind: str, piece: str) -> Boilerplate:
        start = text.index(piece, len("Title: Flood Hits Delta"))  # past the header line
        return Boilerplate(kind, Span(start, start + len(piece), piece))  # type: ignore[arg-type]

    article = Article(
        text,
        boilerplate=[
            Boilerplate("header", Span(0, 23, text[:23])),
            bp("title", "Flood Hits Delta\n"),
            bp("byline", "By Mara Quist"),
            bp("dateline", "PORT ELLIS (Wire)"),
            bp("credit", "Photo: Wire staff"),
        ],
    )
    result = split_sentences(article)
    assert result == [
        Sentence(text.index("The river"), text.index(" Many"), "The river rose overnight.", 0),
        Sentence(text.index("Many"), text.index("Many") + len("Many fled."), "Many fled.", 0),
    ]


def test_boilerplate_in_mid_paragraph_ends_the_sentence_there() -> None:
    text = "The river rose (Photo: Ana Lin) overnight."
    cut = text.index("(Photo: Ana Lin)")
    article = Article(text, boilerplate=[Boilerplate("credit", Span(cut, cut + 16, text[cut : cut + 16]))])
    assert [s.text for s in split_sentences(article)] == ["The river rose", "overnight."]


# --------------------------------------------------------------------------------------------------
# Words


def test_word_spans() -> None:
    text = "Don’t pay $1,200 or 3.5%, Smith's aide said. 我们走 日本です Мост, 다리가"
    words = [text[s:e] for s, e in word_spans(text)]
    assert words == [
        "Don’t", "pay", "1,200", "or", "3.5", "Smith's", "aide", "said",
        "我", "们", "走", "日", "本", "で", "す", "Мост", "다리가",
    ]  # fmt: skip


def test_word_spans_keep_combining_marks_with_their_letters() -> None:
    text = "नमस्ते दुनिया café"
    assert [text[s:e] for s, e in word_spans(text)] == ["नमस्ते", "दुनिया", "café"]


# --------------------------------------------------------------------------------------------------
# Invariants

_ALPHABET = st.sampled_from(
    list("ab Z.?!…,;:\"'“”‘’«»()—–-\n \t۔؟。！？।3")
    + ["Mr.", "U.S.", "No. ", " he said", "e.g. ", "J.K. ", "\n\n", "  ", "۔ ", "X. "]
)
_TEXTS = st.lists(_ALPHABET, max_size=80).map("".join)


@st.composite
def articles(draw: st.DrawFn) -> Article:
    text = draw(_TEXTS)
    boilerplate = []
    for _ in range(draw(st.integers(0, 3))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, len(text)))
        boilerplate.append(Boilerplate("byline", Span(start, end, text[start:end])))
    return Article(text, boilerplate=boilerplate)


@settings(max_examples=300, deadline=None)
@given(articles())
def test_sentences_tile_the_content_exactly(article: Article) -> None:
    text = article.text
    result = split_sentences(article)
    in_boilerplate = [False] * len(text)
    for b in article.boilerplate:
        for i in range(b.span.start, b.span.end):
            in_boilerplate[i] = True
    covered = [0] * len(text)
    previous_end = 0
    previous_paragraph = 0
    for s in result:
        assert 0 <= previous_end <= s.start < s.end <= len(text)
        assert text[s.start : s.end] == s.text
        assert not s.text[0].isspace() and not s.text[-1].isspace()
        assert previous_paragraph <= s.paragraph <= previous_paragraph + 1
        previous_end, previous_paragraph = s.end, s.paragraph
        for i in range(s.start, s.end):
            assert not in_boilerplate[i]
            covered[i] += 1
    for i, char in enumerate(text):
        if char.isspace() or in_boilerplate[i]:
            continue
        if covered[i] == 0:
            # Only the separator tying a dateline or byline to the text may be left out.
            j = i
            while (
                j > 0 and not in_boilerplate[j - 1] and (text[j - 1].isspace() or text[j - 1] in "—–-:|•·,")
            ):
                j -= 1
            assert j > 0 and in_boilerplate[j - 1] and char in "—–-:|•·,", (i, char)
    if result:
        assert result[0].paragraph == 0


@settings(max_examples=200, deadline=None)
@given(_TEXTS)
def test_paragraphs_are_trimmed_sorted_and_cover_every_visible_character(text: str) -> None:
    spans = split_paragraphs(text)
    covered: set[int] = set()
    previous_end = 0
    for p in spans:
        assert previous_end <= p.start < p.end <= len(text)
        assert text[p.start : p.end] == p.text
        assert p.text == p.text.strip()
        covered.update(range(p.start, p.end))
        previous_end = p.end
    assert all(i in covered for i, c in enumerate(text) if not c.isspace())


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_word_spans_are_sorted_disjoint_and_hold_no_space(text: str) -> None:
    previous_end = 0
    for start, end in word_spans(text):
        assert previous_end <= start < end <= len(text)
        assert not any(c.isspace() for c in text[start:end])
        previous_end = end


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_unicode_text_segments_without_error(text: str) -> None:
    for s in split_sentences(Article(text)):
        assert s.text and text[s.start : s.end] == s.text
    detect_language(text)


def test_long_text_is_linear_with_no_backtracking() -> None:
    # 200k characters of worst-case material for regexes: runs of periods, quotes and no spaces.
    text = ("a." * 20_000) + ("“" * 20_000) + ("!?" * 20_000) + (" Mr." * 20_000) + ("x" * 20_000)
    result = split_sentences(Article(text))
    assert "".join(s.text for s in result).replace(" ", "") == text.replace(" ", "")


# --------------------------------------------------------------------------------------------------
# Evaluation gate: BBC News (2,225 articles, British style), when ../shared/datasets is present

_BBC = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "bbc_news" / "bbc"
# A sentence that still holds "word. Capital" is a boundary missed (or an abbreviation kept, as
# "Ant and Dec. Natalie"); one that starts in lowercase or with a closing quote inside its paragraph
# is a boundary made where none is. Measured on 5dcc1d5+: 4 kept of 43,977 sentences and 0 made.
_BBC_MAX_KEPT = 10
_BBC_MAX_MADE = 0
_KEPT_BOUNDARY = re.compile(r"[a-z]{2,}[.!?][\"'”’)]* +[\"“‘(]?[A-Z]")


@pytest.mark.gate
def test_gate_bbc_news_boundaries() -> None:
    files = sorted(_BBC.glob("*/*.txt"))
    if not files:
        pytest.skip(f"BBC News corpus not found at {_BBC} (research-only data in ../shared/datasets)")
    kept = made = 0
    for path in files:
        result = split_sentences(Article(path.read_text(encoding="latin-1")))
        kept += sum(len(_KEPT_BOUNDARY.findall(s.text)) for s in result)
        made += sum(
            1
            for a, b in zip(result, result[1:], strict=False)
            if a.paragraph == b.paragraph and (b.text[0].islower() or b.text[0] in "”’,;:)")
        )
    assert kept <= _BBC_MAX_KEPT
    assert made <= _BBC_MAX_MADE


def test_has_content_looks_only_outside_the_boilerplate():
    from retold.read import article_from_text
    from retold.segment import has_content

    assert not has_content(article_from_text("title: Dam breach\ndate: 2025-11-03\n"))
    assert not has_content(article_from_text("title: Dam breach\n\n— Sam Poe contributed to this report.\n"))
    assert has_content(article_from_text("title: Dam breach\n\nThe dam broke.\n"))

"""The HTML report in a real browser: hover and click link passages across the two texts.

Drives Debian's headless Chromium through Selenium; skips (with the reason) where either is missing.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from retold.align import Passage
from retold.article import Article, Boilerplate
from retold.comparison import Comparison
from retold.render import render_html
from retold.verdict import Verdict

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
    pytest.skip(
        "browser test needs /usr/bin/chromium and /usr/bin/chromedriver (apt-get install chromium chromium-driver)",
        allow_module_level=True,
    )
webdriver = pytest.importorskip(
    "selenium.webdriver", reason="browser test needs selenium (pip install selenium)"
)

from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

# Forty distinct sentences: enough text that each pane scrolls, so "click scrolls the other side" is
# observable. The derived article runs them in reverse, so a passage at the top of the derived text has
# its counterpart at the bottom of the source.
SENTENCES = [
    f"Sentence number {i} of the council report describes item {i * 7} in some detail." for i in range(40)
]
EVIL = "<script>alert('pwned')</script>"


class _Facts:
    def to_dict(self) -> dict[str, Any]:
        return {
            "quotes": [
                {
                    "status": "altered",
                    "speaker": "the mayor",
                    "source": None,
                    "derived": None,
                    "diff": [
                        {"op": "equal", "text": "We are "},
                        {"op": "delete", "text": "heartbroken"},
                        {"op": "insert", "text": "devastated"},
                    ],
                    "passage": 38,
                }
            ],
            "entities": [],
            "numbers": [],
            "attributions": [],
            "notes": [],
        }


def _comparison() -> Comparison:
    source_text = "CITY HALL (Wire) —\n\n" + " ".join(SENTENCES) + f"\n\n{EVIL}\n"
    kept = SENTENCES[1:]  # sentence 0 is dropped
    derived_text = " ".join(reversed(kept)) + " A line only the rewrite has.\n"
    source = Article(source_text, id="wire.txt", title="Council report")
    derived = Article(derived_text, id="copy.txt", title=f"Rewrite {EVIL}")
    source.boilerplate.append(Boilerplate("dateline", source.span(0, 18)))
    labels = ["verbatim", "edited", "paraphrased"]
    passages = []
    for i, sentence in enumerate(SENTENCES):
        s = source_text.index(sentence)
        source_span = [source.span(s, s + len(sentence))]
        if i == 0:
            passages.append(Passage("dropped", 0.0, source_span, [], None, i))
            continue
        d = derived_text.index(sentence)
        passages.append(
            Passage(labels[i % 3], 0.9, source_span, [derived.span(d, d + len(sentence))], None, i)
        )  # type: ignore[arg-type]
    added = derived_text.index("A line only")
    passages.append(Passage("added", 0.0, [], [derived.span(added, added + 28)], None, 40))
    e = source_text.index(EVIL)
    passages.append(Passage("dropped", 0.0, [source.span(e, e + len(EVIL))], [], None, 41))
    verdict = Verdict(
        "wholly_derived", 0.97, 0.95, "source_first", 0.33, 0.32, 0.32, 0.9, ["Nearly all of it."]
    )
    return Comparison(source, derived, verdict, passages, facts=_Facts())


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Any:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    profile = tmp_path_factory.mktemp("chromium-profile")
    for argument in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        f"--user-data-dir={profile}",
        "--window-size=1400,1000",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(
        options=options, service=webdriver.ChromeService(executable_path=str(CHROMEDRIVER))
    )
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def report(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(render_html(_comparison()), encoding="utf-8")
    browser.get(path.as_uri())
    return browser


def _element(driver: Any, side: str, pid: int) -> Any:
    return driver.find_element(By.CSS_SELECTOR, f'#pane-{side} .p[data-pid="{pid}"]')


def _classes(element: Any) -> set[str]:
    return set((element.get_attribute("class") or "").split())


def _scroll_top(driver: Any, side: str) -> float:
    return float(driver.execute_script(f"return document.getElementById('pane-{side}').scrollTop"))


def _visible_in_pane(driver: Any, side: str, element: Any) -> bool:
    return bool(
        driver.execute_script(
            "const pane = arguments[0].getBoundingClientRect(), el = arguments[1].getBoundingClientRect();"
            "return el.top >= pane.top && el.bottom <= pane.bottom;",
            driver.find_element(By.ID, f"pane-{side}"),
            element,
        )
    )


def test_hover_highlights_the_counterpart(report: Any) -> None:
    derived = _element(report, "derived", 39)  # the first sentence of the derived text
    source = _element(report, "source", 39)  # the last sentence of the source
    ActionChains(report).move_to_element(derived).perform()
    WebDriverWait(report, 5).until(lambda d: "hl" in _classes(source))
    assert "hl" in _classes(derived)
    ActionChains(report).move_to_element(report.find_element(By.TAG_NAME, "h1")).perform()
    WebDriverWait(report, 5).until(lambda d: "hl" not in _classes(source))


def test_click_scrolls_the_other_side_and_pins_the_pair(report: Any) -> None:
    assert _scroll_top(report, "source") == 0
    derived = _element(report, "derived", 39)
    source = _element(report, "source", 39)
    assert not _visible_in_pane(report, "source", source)
    derived.click()
    WebDriverWait(report, 5).until(lambda d: _visible_in_pane(d, "source", source))
    assert _scroll_top(report, "source") > 0
    assert "pinned" in _classes(source) and "pinned" in _classes(derived)
    # Pinning another passage releases the first.
    _element(report, "source", 39).click()
    other = _element(report, "derived", 38)
    other.click()
    WebDriverWait(report, 5).until(lambda d: "pinned" not in _classes(source))
    assert "pinned" in _classes(_element(report, "source", 38))


def test_dropped_passage_links_to_its_gap_in_the_derived_text(report: Any) -> None:
    gap = _element(report, "derived", 0)
    assert "gap" in _classes(gap)
    _element(report, "source", 0).click()
    WebDriverWait(report, 5).until(lambda d: "pinned" in _classes(gap))


def test_fact_link_scrolls_both_sides_to_the_passage(report: Any) -> None:
    button = report.find_element(By.CSS_SELECTOR, "#facts [data-goto]")
    assert button.get_attribute("data-goto") == "38"
    assert "heartbroken" in report.find_element(By.CSS_SELECTOR, "#facts del").text
    button.click()
    WebDriverWait(report, 5).until(lambda d: "pinned" in _classes(_element(d, "derived", 38)))
    WebDriverWait(report, 5).until(lambda d: _visible_in_pane(d, "source", _element(d, "source", 38)))


def test_escaped_script_is_shown_not_run_and_no_js_errors(
    report: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    assert EVIL in report.find_element(By.ID, "pane-source").text
    assert EVIL in report.title
    errors = [entry for entry in report.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []
    report.execute_script("window.scrollTo(0, 0)")
    shot = tmp_path_factory.mktemp("screenshot") / "report.png"
    assert report.save_screenshot(str(shot))
    print(f"screenshot: {shot}", file=sys.stderr)


def test_keyboard_reaches_a_passage_and_enter_pins_its_counterpart(report: Any) -> None:
    from selenium.webdriver.common.keys import Keys

    derived = _element(report, "derived", 20)
    report.execute_script("arguments[0].focus()", derived)
    source = _element(report, "source", 20)
    WebDriverWait(report, 5).until(lambda d: "hl" in _classes(source))  # focus shows the counterpart
    assert derived.get_attribute("role") == "button" and "passage 20" in derived.get_attribute("aria-label")
    derived.send_keys(Keys.ENTER)
    WebDriverWait(report, 5).until(lambda d: "pinned" in _classes(source))
    WebDriverWait(report, 5).until(lambda d: _visible_in_pane(d, "source", source))
    # Tab moves from one passage to the next: every passage is in the tab order.
    assert report.execute_script("return document.querySelectorAll('.p[tabindex=\"0\"]').length") == len(
        report.find_elements(By.CSS_SELECTOR, ".p[data-pid]")
    )


def test_a_fact_link_brings_the_panes_into_the_window(report: Any) -> None:
    report.set_window_size(1400, 500)  # the panes start below the window's bottom
    try:
        report.execute_script("window.scrollTo(0, 0)")
        pane_top = "return document.getElementById('pane-source').getBoundingClientRect().top"
        assert report.execute_script(pane_top) > 500
        # Clicked from script: Selenium's own click would first scroll the window to the button.
        report.execute_script("document.querySelector('#facts [data-goto]').click()")
        in_window = (
            "const r = document.querySelector('#pane-source .p[data-pid=\"38\"]').getBoundingClientRect();"
            "return r.top >= 0 && r.bottom <= window.innerHeight;"
        )
        WebDriverWait(report, 5).until(lambda d: d.execute_script(in_window))
    finally:
        report.set_window_size(1400, 1000)


def test_right_to_left_articles_with_a_header_read_right_to_left_and_long_names_wrap(
    browser: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from retold.comparison import Comparer
    from retold.read import read_article

    examples = Path(__file__).parents[1] / "examples"
    comparison = Comparer(lexical_only=True, facts=False).compare(
        read_article(examples / "urdu-original.txt"), read_article(examples / "urdu-copy.txt")
    )
    comparison.source.id = "https://example.org/" + "x" * 200  # no title: the heading is this long id
    comparison.source.title = None
    path = tmp_path_factory.mktemp("rtl") / "urdu.html"
    path.write_text(render_html(comparison), encoding="utf-8")
    browser.get(path.as_uri())
    directions = browser.execute_script(
        "return [...document.querySelectorAll('.text')].map(e => getComputedStyle(e).direction)"
    )
    assert directions == ["rtl", "rtl"]
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")

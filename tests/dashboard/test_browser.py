"""The dashboard in a real browser: headless Chromium (Debian's, installed by
.ci/install-chromium) opens the live view while the simulators run, and sees the rows of a
materialized view change between two looks, without reloading the page. A screenshot of each
page goes to test-artifacts/screenshots/.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.slow]

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--run-all-compositor-stages-before-draw",
    "--window-size=1400,1000",
)


def missing_browser() -> str | None:
    """Why the browser test cannot run here, or None."""
    for tool in ("chromium", "chromedriver"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (run .ci/install-chromium as root)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[dev]')"
    return None


@pytest.fixture(scope="module")
def dashboard(platform: Any) -> Iterator[str]:
    """`ksqlmv dashboard` on a free port against the platform; its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "ksqlmv", "dashboard", "--port", str(port),
         "--ksqldb-url", platform.ksqldb_url],
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/_stcore/health", timeout=2).text == "ok":
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, "dashboard not up"
            time.sleep(0.2)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    reason = missing_browser()
    if reason:
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(shutil.which("chromium"))
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    service = Service(executable_path=str(shutil.which("chromedriver")))
    driver = webdriver.Chrome(options=options, service=service)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(check: Callable[[], Any], timeout: float = 45.0, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        try:
            found = check()
        except Exception:  # the page is still building; look again
            found = None
        if found:
            return found
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.25)


def metric_values(driver: Any) -> dict[str, str]:
    """KPI tile label to value, as the page shows them."""
    from selenium.webdriver.common.by import By

    tiles = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stMetric"]')
    values = {}
    for tile in tiles:
        label = tile.find_element(By.CSS_SELECTOR, '[data-testid="stMetricLabel"]').text
        values[label.strip()] = tile.find_element(
            By.CSS_SELECTOR, '[data-testid="stMetricValue"]'
        ).text.strip()
    return values


def grid_rows(driver: Any) -> list[tuple[str, ...]]:
    """The rows of the page's first table, from the grid's accessible table."""
    from selenium.webdriver.common.by import By

    grid = driver.find_element(By.CSS_SELECTOR, '[data-testid="stDataFrame"] table')
    rows = []
    for row in grid.find_elements(By.TAG_NAME, "tr"):
        cells = row.find_elements(By.TAG_NAME, "td")
        if cells:
            rows.append(tuple(cell.get_attribute("textContent") for cell in cells))
    return rows


def test_a_live_view_changes_in_front_of_the_viewer(browser: Any, dashboard: str) -> None:
    browser.get(f"{dashboard}/live?view=ORDERS_BY_STATUS")
    first = wait_for(lambda: grid_rows(browser), what="the rows of ORDERS_BY_STATUS")
    assert "Orders" in metric_values(browser)
    url = browser.current_url
    second = wait_for(
        lambda: (rows := grid_rows(browser)) != first and rows,
        timeout=20,
        what="the rows to change",
    )
    statuses = [row[0] for row in second]
    assert len(statuses) == len(set(statuses)), "one row per status: merged by primary key"
    before, after = dict((r[0], int(r[1])) for r in first), dict((r[0], int(r[1])) for r in second)
    assert after["PLACED"] > before["PLACED"], (first, second)
    assert browser.current_url == url, "the same page, never reloaded"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SCREENSHOTS / "live-orders-by-status.png"))


@pytest.mark.parametrize(
    ("name", "path", "ready"),
    [
        ("overview", "", '[data-testid="stDataFrame"]'),
        (
            "live-trades-ohlc",
            "live?view=TRADES_OHLC_1M&window=15m",
            '[data-testid="stVegaLiteChart"]',
        ),
        (
            "live-revenue",
            "live?view=REVENUE_PER_MINUTE&window=15m",
            '[data-testid="stVegaLiteChart"]',
        ),
        ("editor", "editor", "textarea"),
        ("flow", "flow", '[data-testid="stGraphVizChart"] svg'),
        ("migrations", "migrations?version=15", '[data-testid="stCode"]'),
    ],
)
def test_screenshot_of_each_page(
    browser: Any, dashboard: str, name: str, path: str, ready: str
) -> None:
    from selenium.webdriver.common.by import By

    browser.get(f"{dashboard}/{path}")
    wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, ready), what=ready)
    time.sleep(1.5)  # charts and graphs finish drawing after their element appears
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{name}.png"
    assert browser.save_screenshot(str(target))
    assert target.stat().st_size > 20_000, "a blank page is a few kilobytes"
    assert "Traceback" not in browser.find_element(By.TAG_NAME, "body").text

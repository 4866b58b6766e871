"""Headless Chromium for the browser tests: one home for the driver both test files start.

``tests/test_browser.py`` opens plan.html and report.html as files (nothing may be reached
at all); ``tests/test_web_browser.py`` opens ``landopt serve`` on 127.0.0.1 (that address
alone may be reached, with downloads into a folder). Both block every name resolution and,
over the DevTools protocol, every URL of the given schemes; the browser logs and the
network log are kept for the tests' checks.
"""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = next(
    (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)),
    None,
)
CHROMEDRIVER = (
    "/usr/bin/chromedriver"
    if Path("/usr/bin/chromedriver").exists()
    else shutil.which("chromedriver")
)


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port free on ``host`` now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def shots_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: ``$LANDOPT_SCREENSHOTS`` when set, else a temporary folder."""
    folder = os.environ.get("LANDOPT_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def start_chromium(
    profile: Path,
    *,
    blocked: Iterable[str],
    server: bool = False,
    downloads: Path | None = None,
    page_load_timeout: float = 20,
) -> Any:
    """A headless Chromium (selenium driver) that resolves no name; with ``server``,
    127.0.0.1 alone is reachable (every other address goes through a proxy on a closed
    port: Chromium never proxies the loopback addresses); URLs of the ``blocked`` schemes
    are refused over the DevTools protocol on top. ``downloads``: where files go, asked
    nothing."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    args = [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-default-apps",
        "--disable-extensions",
        "--disable-sync",
        "--no-first-run",
        "--no-default-browser-check",
        "--metrics-recording-only",
        "--window-size=1400,1000",
        f"--user-data-dir={profile}",
    ]
    if server:
        args += [
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",  # no name resolves
            f"--proxy-server=http://127.0.0.1:{free_port()}",  # a closed port
        ]
    else:
        args.append("--host-resolver-rules=MAP * ~NOTFOUND")  # no name resolves
    for arg in args:
        opts.add_argument(arg)
    if downloads is not None:
        opts.add_experimental_option(
            "prefs",
            {
                "download.default_directory": str(downloads),
                "download.prompt_for_download": False,
                "download.directory_upgrade": True,
                "safebrowsing.enabled": False,
            },
        )
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    try:
        driver.set_page_load_timeout(page_load_timeout)
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": list(blocked)})
        if downloads is not None:
            driver.execute_cdp_cmd(
                "Browser.setDownloadBehavior",
                {"behavior": "allow", "downloadPath": str(downloads)},
            )
    except Exception:
        driver.quit()
        raise
    return driver

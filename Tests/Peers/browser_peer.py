#!/usr/bin/env python3
"""Browser test peer: renders one local HTML file in headless Chromium (selenium +
chromedriver, both from the system's packages) at a given width, saves a screenshot of
the whole page and prints what a person would meet, as one JSON line on stdout.

    python3 browser_peer.py --file PAGE.html --width 400 --screenshot OUT.png [--mobile]

    --width       the CSS viewport width in pixels (400 = a phone, 1280 = a desktop)
    --mobile      emulate a phone: the page's <meta name="viewport"> is honoured, so a
                  page without one is laid out 980 px wide and would overflow
    --screenshot  a PNG of the whole page (up to 12000 px tall)
    --slices N    also the first N screens of it as OUT-1.png, OUT-2.png, ... (each
                  --height tall), for a person to read a long page at full size

Prints {"viewport_width" (as asked), "inner_width", "scroll_width", "body_scroll_width", "scroll_height", "text",
"overflowing": [{"tag", "text", "right"}...]} where "overflowing" lists elements whose
right edge is past the viewport (the cause of any sideways scrolling). A phone zooms out
to fit a page that overflows, so compare "scroll_width" with "viewport_width".

file:// only: any other URL is refused, and the browser's name resolution and proxy
are pointed at nothing, so a page cannot reach the network (loopback included).
"""
import argparse
import base64
import json
import os
import shutil
import sys
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

MEASURE = """
const vw = window.innerWidth;
const out = [];
for (const el of document.querySelectorAll('body *')) {
  const r = el.getBoundingClientRect();
  if (r.width > 0 && r.right > vw + 0.5) {
    out.push({tag: el.tagName.toLowerCase(), text: (el.innerText || '').slice(0, 80), right: r.right});
  }
}
return {inner_width: vw,
        scroll_width: document.documentElement.scrollWidth,
        body_scroll_width: document.body.scrollWidth,
        scroll_height: document.documentElement.scrollHeight,
        text: document.body.innerText,
        overflowing: out.slice(0, 20)};
"""


def find(*names):
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    sys.exit("browser_peer: none of %s is installed (run .ci/setup)" % ", ".join(names))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--file", required=True)
    parser.add_argument("--width", type=int, required=True)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--screenshot")
    parser.add_argument("--mobile", action="store_true")
    parser.add_argument("--slices", type=int, default=0)
    args = parser.parse_args()
    path = os.path.abspath(args.file)
    if not os.path.isfile(path):
        sys.exit("browser_peer: no file %s" % path)
    url = "file://" + path
    if not url.startswith("file:///"):
        sys.exit("browser_peer: file:// only")

    options = Options()
    options.binary_location = find("chromium", "chromium-browser", "google-chrome")
    profile = tempfile.mkdtemp(prefix="ehcsync-browser-")
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--hide-scrollbars", "--no-first-run", "--disable-extensions", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update",
                 "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=socks5://0.0.0.0:9",
                 "--user-data-dir=" + profile, "--window-size=%d,%d" % (max(args.width, 500), args.height)]:
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=find("chromedriver")))
    try:
        metrics = {"width": args.width, "height": args.height, "deviceScaleFactor": 1, "mobile": args.mobile}
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
        driver.get(url)
        if not driver.current_url.startswith("file:///"):
            sys.exit("browser_peer: the page left file:// for %s" % driver.current_url)
        measures = driver.execute_script(MEASURE)
        measures["viewport_width"] = args.width
        if args.screenshot:
            height = min(max(measures["scroll_height"], args.height), 12000)
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", dict(metrics, height=height))
            shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": False})
            with open(args.screenshot, "wb") as f:
                f.write(base64.b64decode(shot["data"]))
            stem = args.screenshot[:-4] if args.screenshot.endswith(".png") else args.screenshot
            for n in range(args.slices):
                top = n * args.height
                if top >= height:
                    break
                clip = {"x": 0, "y": top, "width": args.width, "height": min(args.height, height - top), "scale": 1}
                part = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "clip": clip})
                with open("%s-%d.png" % (stem, n + 1), "wb") as f:
                    f.write(base64.b64decode(part["data"]))
        print(json.dumps(measures), flush=True)
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()

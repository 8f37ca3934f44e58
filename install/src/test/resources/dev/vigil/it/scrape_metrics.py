"""Scrapes Prometheus endpoints and parses them with the Prometheus client's own parser.

Usage: scrape_metrics.py URL...   (MetricsBedIT runs it in the bed's client namespace)
Prints one JSON object: URL -> {"samples": [[name, {labels}, value], ...]} or {"error": "..."}.
The parser is Debian's python3-prometheus-client (prometheus_client.parser), not string matching.
"""
import json
import sys
import urllib.request

from prometheus_client.parser import text_string_to_metric_families


def scrape(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            text = response.read().decode("utf-8")
    except OSError as e:
        return {"error": str(e)}
    samples = []
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            samples.append([s.name, s.labels, s.value])
    return {"samples": samples}


print(json.dumps({url: scrape(url) for url in sys.argv[1:]}))

"""Benchmarks for Local Support: matching speed, memory and quality at 1,519, 10,000 and
100,000 catalogue entries, and signed SMS / Telegram webhooks through the real server.

`python -m bench` (or `make bench`) runs everything and writes bench/results.md and
bench/results.json. This package is a development tool: it reads tests/data.
"""

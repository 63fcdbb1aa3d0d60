"""The councillors' weekly digest: figures from the store (figures.py), unmet needs grouped
(unmet.py), a chart (chart.py), rendered from the template files in templates/ (render.py),
queued once per councillor per ISO week (queue.py) and sent through the outbox."""

"""The channel adapters. Each does the same three small things for its medium:

- in: verify what the provider sent (a signature, a secret), parse it, and hand the inbox
  an `Arrival` (bot/inbox.py); answer the provider;
- render: turn the engine's `Outbound` replies into what the medium shows
  (`render(replies) -> list[Rendered]`: GSM-7 SMS bodies, Telegram HTML with buttons);
- out: `deliver(item) -> Delivery` for one outbox row (bot/outbox.py `Deliverer`).

They are registered in one place, bot/app.py (`RENDERERS`, the outbox's adapters, the
routes in bot/routes.py). No adapter imports another; the engine names none of them.
"""

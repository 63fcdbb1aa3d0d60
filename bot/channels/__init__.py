"""The channel adapters. Each does the same three small things for its medium:

- in: verify what the provider sent (a signature, a secret), parse it strictly with a size
  limit (bot/guard.py), check the sender's fair use (bot/fairuse.py) on the event loop,
  and only then hand the inbox an `Arrival` (bot/inbox.py); answer the provider;
- render: turn the engine's `Outbound` replies into what the medium shows
  (`render(replies) -> list[Rendered]`: GSM-7 SMS bodies, Telegram HTML with buttons);
- out: `deliver(item) -> Delivery` for one outbox row (bot/outbox.py `Deliverer`).

They are registered in one place, bot/app.py (`RENDERERS`, the outbox's adapters, the
routes in bot/routes.py). No adapter imports another; the engine names none of them.
"""

"""Review cycles under ``/api/v1/`` — one router per part, mounted together."""

from ninja import Router

from cadence.reviews.api import cycles, nominations, results, templates, writing

router = Router(tags=["reviews"])
for part in (templates, cycles, nominations, writing, results):
    router.add_router("", part.router)

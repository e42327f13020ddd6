"""Review cycles over the API: writing."""

from ninja import Router

router = Router(tags=["reviews"])

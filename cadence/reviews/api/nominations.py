"""Review cycles over the API: nominations."""

from ninja import Router

router = Router(tags=["reviews"])

"""Review cycles over the API: results."""

from ninja import Router

router = Router(tags=["reviews"])

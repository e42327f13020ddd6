"""Review cycles over the API: templates."""

from ninja import Router

router = Router(tags=["reviews"])

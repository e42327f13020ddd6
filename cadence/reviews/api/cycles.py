"""Review cycles over the API: cycles."""

from ninja import Router

router = Router(tags=["reviews"])

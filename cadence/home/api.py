"""``GET /api/v1/home``: the home page's sections and items, for a client that shows
"what needs me now" elsewhere (a chat bot, a phone widget)."""

from django.http import HttpRequest
from ninja import Router, Schema

from cadence.home import queries
from cadence.people import access

router = Router(tags=["home"])


class HomeItemOut(Schema):
    text: str
    url: str
    count: int | None = None


class HomeGroupOut(Schema):
    title: str
    count: int
    items: list[HomeItemOut]


class HomeSectionOut(Schema):
    key: str
    title: str
    count: int
    groups: list[HomeGroupOut]


class HomeOut(Schema):
    all_done: bool
    sections: list[HomeSectionOut]


@router.get("/home", response=HomeOut, summary="What needs the caller now (the home page)")
def get_home(request: HttpRequest) -> dict:
    access.require_member(request.user)
    sections = queries.sections_for(request.user)
    return {
        "all_done": not sections,
        "sections": [
            {
                "key": s.key,
                "title": s.title,
                "count": s.count,
                "groups": [
                    {
                        "title": g.title,
                        "count": g.count,
                        "items": [
                            {"text": i.text, "url": i.url, "count": i.count} for i in g.items
                        ],
                    }
                    for g in s.groups
                ],
            }
            for s in sections
        ],
    }

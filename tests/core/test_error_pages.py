"""Error pages are Cadence pages (navigation, a way back), and 500 renders without a request."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse


@pytest.mark.django_db
def test_not_found_keeps_the_navigation(org):
    response = org.client_for(org.engineer).get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert 'aria-label="Main"' in html
    assert f'href="{reverse("home")}"' in html


@pytest.mark.django_db
def test_refusal_explains_itself(org):
    response = org.client_for(org.engineer).get(reverse("people:import_start"))
    assert response.status_code == 403
    assert "Not allowed" in response.content.decode()


def test_server_error_page_needs_no_request_or_database():
    html = render_to_string("500.html")
    assert "Something went wrong" in html
    assert "cadence/cadence.css" in html

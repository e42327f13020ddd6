from django.contrib import admin
from django.urls import include, path

from cadence.api import api
from cadence.core import views as core_views
from cadence.home import views as home_views

urlpatterns = [
    path("", home_views.home, name="home"),
    path("", include("cadence.home.urls")),
    path("healthz", core_views.health, name="health"),
    path("audit/", core_views.audit_log, name="audit_log"),
    path("accounts/", include("allauth.urls")),
    path("account/", include("cadence.accounts.urls")),
    path("", include("cadence.people.urls")),
    path("plan/", include("cadence.planning.urls")),
    path("goals/", include("cadence.goals.urls")),
    path("kpis/", include("cadence.kpis.urls")),
    path("", include("cadence.notifications.urls")),
    path("reviews/", include("cadence.reviews.urls")),
    path("development/", include("cadence.development.urls")),
    path("feedback/", include("cadence.feedback.urls")),
    path("meetings/", include("cadence.meetings.urls")),
    path("certifications/", include("cadence.certifications.urls")),
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
]

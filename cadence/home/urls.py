from django.urls import path

from cadence.home import views

app_name = "home"

urlpatterns = [
    path("health/", views.health, name="health_panel"),
    path("health/<str:metric>/", views.health_figure, name="health"),
]

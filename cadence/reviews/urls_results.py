from django.urls import URLPattern, path

from cadence.reviews import views_results

urlpatterns: list[URLPattern] = [
    path("<int:review_id>/results/", views_results.results, name="results"),
    path("<int:review_id>/results.pdf", views_results.results_pdf, name="results_pdf"),
    path("<int:review_id>/results/calibrate/", views_results.calibrate, name="results_calibrate"),
    path("<int:review_id>/results/release/", views_results.release, name="results_release"),
    path("<int:review_id>/results/comment/", views_results.comment, name="results_comment"),
    path("cycles/<int:cycle_id>/results/", views_results.cycle_results, name="results_cycle"),
    path(
        "cycles/<int:cycle_id>/results/release/",
        views_results.release_all,
        name="results_release_all",
    ),
]

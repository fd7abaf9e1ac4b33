"""The story form through HTTP."""

from __future__ import annotations

import io

from tests import factories as f


def test_a_story_form_error_says_the_chosen_photo_must_be_chosen_again(client, login,
                                                                       db_session):
    login(f.user())
    data = {"title": "", "text": "En natt på post 3", "consent": "y",
            "photo": (io.BytesIO(f.PNG), "us.png")}
    response = client.post("/stories/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert 'id="photo-dropped"' in response.get_data(as_text=True)
    no_photo = client.post("/stories/new", data={"title": "", "text": "Tekst"})
    assert no_photo.status_code == 400
    assert 'id="photo-dropped"' not in no_photo.get_data(as_text=True)

"""Baseline `bare`: a Flask view that answers a fixed 302, nothing else (same gunicorn
settings as the product, so the ratio shows what our own code costs)."""

from flask import Flask, redirect

app = Flask(__name__)


@app.get("/r/<token>")
def bare(token: str):
    return redirect("https://example.org/jobs/1?utm_source=linkedin", code=302)


@app.get("/healthz")
def healthz():
    return "ok"

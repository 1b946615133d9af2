"""`okrs build`: the static site that publishes the whole cascade (SPEC section 5).

``views`` turns the model and its statuses into plain page view models, ``render`` holds the
text helpers (Markdown, numbers, relative links), ``svg`` draws the check-in charts and
``build`` writes the pages from the Jinja templates in ``site_templates/``.
"""

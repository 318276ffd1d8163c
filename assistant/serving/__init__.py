"""Serving the chat app to visitors: sign-in and what guards the web server.

Takes HTTP requests before Gradio sees them; gives them through, or refuses them
with a status of their own.
"""

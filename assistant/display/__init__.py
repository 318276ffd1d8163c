"""Showing answers to people: the chat's Markdown and sources panel, the terminal.

Takes an :class:`~assistant.response.Answer`; gives HTML, Markdown or terminal
text in which whatever a document or a visitor wrote is shown as text.
"""

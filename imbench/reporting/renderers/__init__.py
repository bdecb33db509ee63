"""Renderers: the document model (``blocks``: headings, paragraphs, lists, tables, figures, collapsible
sections) and the two formats it is written in, GitHub-flavoured Markdown (``markdown``) and one
self-contained HTML page (``html``). They know nothing of runs or statistics: a document in, text out.
"""

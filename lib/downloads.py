"""The one way an uploaded or generated file leaves the portal (issue 14, point 8).

Files are never served from a public folder (MEDIA_URL is not routed): a view checks who
asks, then answers with `file_response`. The response:
- is a download (`Content-Disposition: attachment`, with the name given), so a file is never
  rendered as a page of the portal's origin (a document or image embedded with <img> still
  shows: browsers ignore the disposition for embedded images);
- says `X-Content-Type-Options: nosniff`, so the browser trusts only the type the portal
  checked, never a guess from the content;
- carries its own `Content-Security-Policy: default-src 'none'; sandbox`, so that even opened
  directly, nothing in it runs nor reaches anything.
`tests/test_downloads.py` checks that no view builds a FileResponse another way.
"""

from django.http import FileResponse

FILE_POLICY = "default-src 'none'; sandbox"


def file_response(handle, *, filename: str, content_type: str) -> FileResponse:
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_POLICY
    return response

//! How much of a response any call reads: the body is cut off, with an
//! error, once it passes the limit, so a runaway server (or proxy) costs
//! memory in proportion to the limit, not to what it sends.

use reqwest::Response;

/// The most of a response body any call reads. A key in every project of a
/// large organization answers in well under a megabyte; a server (or a
/// proxy) that sends more is refused as soon as it passes this, with memory
/// in proportion to the limit, not to what was sent.
pub const MAX_RESPONSE_BYTES: usize = 16 << 20;

/// A body longer than [`MAX_RESPONSE_BYTES`].
#[derive(Debug, thiserror::Error)]
#[error("the response body is larger than the {} MiB limit for a response", MAX_RESPONSE_BYTES >> 20)]
pub struct ResponseTooLarge;

/// `response`, whose body fails once it passes [`MAX_RESPONSE_BYTES`]; a
/// declared `Content-Length` over it fails on the first read. A body whose
/// declared length is within the limit is passed on as it is: the HTTP
/// stack never reads past a declared length, and the common case pays
/// nothing.
pub(crate) fn bounded(response: Response) -> Response {
    use http_body_util::BodyExt;
    let limit = match response.content_length() {
        Some(declared) if declared <= MAX_RESPONSE_BYTES as u64 => return response,
        Some(_) => 0,
        None => MAX_RESPONSE_BYTES,
    };
    let response = http::Response::<reqwest::Body>::from(response);
    Response::from(response.map(|body| {
        reqwest::Body::wrap(http_body_util::Limited::new(body, limit).map_err(|e| {
            if e.is::<http_body_util::LengthLimitError>() {
                Box::new(ResponseTooLarge) as Box<dyn std::error::Error + Send + Sync>
            } else {
                e
            }
        }))
    }))
}

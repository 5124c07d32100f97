//! Opening a source file as a stream of UTF-8 bytes: decompression (`rml:compression`) and
//! character decoding (`rml:encoding`), both streaming, so no reference formulation needs
//! the whole file in memory.
//!
//! Archives (`rml:zip`, `rml:targz`, `rml:tarxz`) are read sequentially and yield their
//! **first regular file**: RML-IO gives no way to name an entry, and an export is one file.
//! The zip and tar readers here are small and sequential on purpose (a zip central
//! directory would need seeking); they accept stored and deflated zip entries and ustar /
//! GNU / pax tar archives.

use encoding_rs::{CoderResult, Decoder, Encoding, UTF_8};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

/// How a source file is compressed (`rml:compression`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Compression {
    /// `rml:none`.
    None,
    /// `rml:gzip` (one or more gzip members).
    Gzip,
    /// `rml:zip`: the first file of the archive.
    Zip,
    /// `rml:targz`: the first file of a gzip-compressed tar archive.
    TarGz,
    /// `rml:tarxz`: the first file of an xz-compressed tar archive.
    TarXz,
}

impl Compression {
    /// The compression an `rml:compression` local name stands for.
    pub(crate) fn from_local_name(name: &str) -> Option<Self> {
        match name {
            "none" => Some(Self::None),
            "gzip" => Some(Self::Gzip),
            "zip" => Some(Self::Zip),
            "targz" => Some(Self::TarGz),
            "tarxz" => Some(Self::TarXz),
            _ => None,
        }
    }

    /// The compression a file name implies when the mapping declares none
    /// (`.gz`, `.zip`, `.tar.gz`/`.tgz`, `.tar.xz`/`.txz`).
    pub(crate) fn from_file_name(path: &Path) -> Self {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        if name.ends_with(".tar.gz") || name.ends_with(".tgz") {
            Self::TarGz
        } else if name.ends_with(".tar.xz") || name.ends_with(".txz") {
            Self::TarXz
        } else if name.ends_with(".gz") {
            Self::Gzip
        } else if name.ends_with(".zip") {
            Self::Zip
        } else {
            Self::None
        }
    }

    /// The file name with the compression's extension removed, so `objects.csv.gz` still
    /// tells the reference formulation `rml:CSV`.
    pub(crate) fn inner_name(path: &Path) -> String {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let lower = name.to_ascii_lowercase();
        for suffix in [".tar.gz", ".tgz", ".tar.xz", ".txz", ".gz", ".zip"] {
            if lower.ends_with(suffix) {
                return name[..name.len() - suffix.len()].to_owned();
            }
        }
        name
    }
}

/// Opens `path`, undoes its compression and decodes it from `encoding` to UTF-8. A byte
/// order mark wins over the declared encoding (and is removed), as the WHATWG Encoding
/// standard prescribes; UTF-8 input is passed through without copying into a decoder, so
/// invalid UTF-8 stays visible to the reader (which rejects the record that holds it).
pub(crate) fn open(
    path: &Path,
    compression: Compression,
    encoding: &'static Encoding,
) -> io::Result<Box<dyn BufRead>> {
    let file = BufReader::with_capacity(1 << 16, File::open(path)?);
    let raw: Box<dyn Read> = match compression {
        Compression::None => Box::new(file),
        Compression::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(file)),
        Compression::Zip => Box::new(first_zip_entry(file)?),
        Compression::TarGz => Box::new(first_tar_entry(BufReader::new(
            flate2::bufread::MultiGzDecoder::new(file),
        ))?),
        Compression::TarXz => Box::new(first_tar_entry(BufReader::new(
            lzma_rust2::XzReader::new(file, true),
        ))?),
    };
    Ok(Box::new(BufReader::with_capacity(
        1 << 16,
        Decoding::new(raw, encoding),
    )))
}

/// A reader that converts any encoding to UTF-8 on the fly.
struct Decoding {
    inner: Box<dyn Read>,
    /// `None` while the input is UTF-8 (bytes pass through after the BOM check).
    decoder: Option<Decoder>,
    declared: &'static Encoding,
    /// Bytes read but not yet decoded or passed on.
    pending: Vec<u8>,
    pending_start: usize,
    sniffed: bool,
    eof: bool,
    /// Decoded output not yet handed out (decoders need room for a whole character).
    out: Vec<u8>,
    out_start: usize,
}

impl Decoding {
    fn new(inner: Box<dyn Read>, declared: &'static Encoding) -> Self {
        Self {
            inner,
            decoder: None,
            declared,
            pending: Vec::new(),
            pending_start: 0,
            sniffed: false,
            eof: false,
            out: Vec::new(),
            out_start: 0,
        }
    }

    fn fill_pending(&mut self) -> io::Result<()> {
        if self.pending_start >= self.pending.len() {
            self.pending.clear();
            self.pending_start = 0;
        }
        let mut buf = [0u8; 1 << 15];
        let n = self.inner.read(&mut buf)?;
        if n == 0 {
            self.eof = true;
        } else {
            self.pending
                .extend_from_slice(buf.get(..n).unwrap_or_default());
        }
        Ok(())
    }

    /// Looks at the first bytes: a BOM decides the encoding and is dropped.
    fn sniff(&mut self) -> io::Result<()> {
        while self.pending.len() < 3 && !self.eof {
            self.fill_pending()?;
        }
        self.sniffed = true;
        let (encoding, bom_length) = match Encoding::for_bom(&self.pending) {
            Some((encoding, length)) => (encoding, length),
            None => (self.declared, 0),
        };
        self.pending_start = bom_length;
        if encoding != UTF_8 {
            self.decoder = Some(encoding.new_decoder_without_bom_handling());
        }
        Ok(())
    }
}

impl Read for Decoding {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if !self.sniffed {
            self.sniff()?;
        }
        loop {
            if self.out_start < self.out.len() {
                let available = self.out.get(self.out_start..).unwrap_or_default();
                let n = available.len().min(buf.len());
                buf.get_mut(..n)
                    .unwrap_or_default()
                    .copy_from_slice(available.get(..n).unwrap_or_default());
                self.out_start += n;
                return Ok(n);
            }
            if self.pending_start >= self.pending.len() && self.decoder.is_none() && !self.eof {
                // UTF-8 after the byte order mark: the bytes pass through without a copy here.
                let n = self.inner.read(buf)?;
                if n == 0 {
                    self.eof = true;
                }
                return Ok(n);
            }
            if self.pending_start >= self.pending.len() {
                if self.eof {
                    if let Some(decoder) = self.decoder.as_mut() {
                        // Flush a truncated final sequence (it becomes U+FFFD).
                        self.out.clear();
                        self.out_start = 0;
                        self.out.reserve(16);
                        let mut tail = vec![0u8; 16];
                        let (_, _, written, _) = decoder.decode_to_utf8(&[], &mut tail, true);
                        tail.truncate(written);
                        self.decoder = None;
                        if !tail.is_empty() {
                            self.out = tail;
                            continue;
                        }
                    }
                    return Ok(0);
                }
                self.fill_pending()?;
                continue;
            }
            let input = self.pending.get(self.pending_start..).unwrap_or_default();
            match self.decoder.as_mut() {
                None => {
                    let n = input.len().min(buf.len());
                    buf.get_mut(..n)
                        .unwrap_or_default()
                        .copy_from_slice(input.get(..n).unwrap_or_default());
                    self.pending_start += n;
                    return Ok(n);
                }
                Some(decoder) => {
                    let room = decoder
                        .max_utf8_buffer_length(input.len())
                        .unwrap_or(input.len() * 3 + 16)
                        .max(16);
                    self.out.clear();
                    self.out.resize(room, 0);
                    self.out_start = 0;
                    let (result, read, written, _) =
                        decoder.decode_to_utf8(input, &mut self.out, false);
                    self.out.truncate(written);
                    self.pending_start += read;
                    if result == CoderResult::OutputFull && written == 0 && read == 0 {
                        return Err(io::Error::other("character decoder made no progress"));
                    }
                }
            }
        }
    }
}

fn read_exact_or_eof(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<bool> {
    let mut filled = 0;
    while filled < buf.len() {
        let n = reader.read(buf.get_mut(filled..).unwrap_or_default())?;
        if n == 0 {
            return if filled == 0 {
                Ok(false)
            } else {
                Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the archive ends in the middle of a header",
                ))
            };
        }
        filled += n;
    }
    Ok(true)
}

fn le16(bytes: &[u8], at: usize) -> u16 {
    let mut b = [0u8; 2];
    b.copy_from_slice(bytes.get(at..at + 2).unwrap_or(&[0, 0]));
    u16::from_le_bytes(b)
}

fn le32(bytes: &[u8], at: usize) -> u32 {
    let mut b = [0u8; 4];
    b.copy_from_slice(bytes.get(at..at + 4).unwrap_or(&[0, 0, 0, 0]));
    u32::from_le_bytes(b)
}

/// The first file of a zip archive, read from its local header (no seeking). Directories
/// (names ending in `/`) are skipped when their size is known.
fn first_zip_entry<R: BufRead + 'static>(mut reader: R) -> io::Result<Box<dyn Read>> {
    let invalid = |message: &str| io::Error::new(io::ErrorKind::InvalidData, message.to_owned());
    loop {
        let mut header = [0u8; 30];
        if !read_exact_or_eof(&mut reader, &mut header)? {
            return Err(invalid("the zip archive holds no file"));
        }
        if le32(&header, 0) != 0x0403_4b50 {
            return Err(invalid(
                "not a zip archive, or the archive holds no file (no local file header)",
            ));
        }
        let flags = le16(&header, 6);
        let method = le16(&header, 8);
        let compressed_size = u64::from(le32(&header, 18));
        let name_length = usize::from(le16(&header, 26));
        let extra_length = usize::from(le16(&header, 28));
        let mut name = vec![0u8; name_length];
        reader.read_exact(&mut name)?;
        io::copy(
            &mut (&mut reader).take(extra_length as u64),
            &mut io::sink(),
        )?;
        let sizes_follow = flags & 0x08 != 0;
        if name.ends_with(b"/") && !sizes_follow {
            io::copy(&mut (&mut reader).take(compressed_size), &mut io::sink())?;
            continue;
        }
        if flags & 0x01 != 0 {
            return Err(invalid("the zip entry is encrypted"));
        }
        return match method {
            0 if sizes_follow => Err(invalid(
                "a stored zip entry without sizes in its header cannot be streamed",
            )),
            0 => Ok(Box::new(reader.take(compressed_size))),
            8 => Ok(Box::new(flate2::bufread::DeflateDecoder::new(reader))),
            other => Err(invalid(&format!(
                "zip compression method {other} is not supported (only stored and deflate)"
            ))),
        };
    }
}

/// Parses an octal (or GNU base-256) tar size field.
fn tar_size(field: &[u8]) -> io::Result<u64> {
    if field.first().is_some_and(|b| b & 0x80 != 0) {
        let mut size: u64 = 0;
        for (i, byte) in field.iter().enumerate() {
            let byte = if i == 0 { byte & 0x7f } else { *byte };
            size = size
                .checked_mul(256)
                .and_then(|s| s.checked_add(byte.into()))
                .ok_or_else(|| {
                    io::Error::new(io::ErrorKind::InvalidData, "tar entry size overflows")
                })?;
        }
        return Ok(size);
    }
    let text: String = field
        .iter()
        .take_while(|b| **b != 0)
        .map(|b| char::from(*b))
        .collect();
    let text = text.trim();
    if text.is_empty() {
        return Ok(0);
    }
    u64::from_str_radix(text, 8).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("invalid tar entry size `{text}`"),
        )
    })
}

/// The first regular file of a tar archive.
fn first_tar_entry<R: Read + 'static>(mut reader: R) -> io::Result<Box<dyn Read>> {
    loop {
        let mut header = [0u8; 512];
        if !read_exact_or_eof(&mut reader, &mut header)? || header.iter().all(|b| *b == 0) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "the tar archive holds no regular file",
            ));
        }
        let size = tar_size(header.get(124..136).unwrap_or_default())?;
        let kind = header.get(156).copied().unwrap_or(0);
        if kind == b'0' || kind == 0 || kind == b'7' {
            return Ok(Box::new(reader.take(size)));
        }
        // Directories, links, pax and GNU long-name headers: skip the entry's data blocks.
        let padded = size.div_ceil(512) * 512;
        io::copy(&mut (&mut reader).take(padded), &mut io::sink())?;
    }
}

/// The encoding an `rml:encoding` value names: an `rml:` IRI whose local name is an
/// encoding label (`rml:UTF-8`, `rml:UTF-16`, `rml:Big5`) or a literal label (`"big5"`,
/// `"windows-1252"`); labels are the WHATWG Encoding standard's.
pub(crate) fn encoding_for_label(label: &str) -> Option<&'static Encoding> {
    let encoding = Encoding::for_label(label.as_bytes())?;
    // WHATWG maps the label `utf-16` to UTF-16LE; a BOM still wins when present.
    Some(encoding)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn decode(bytes: &[u8], encoding: &'static Encoding) -> Vec<u8> {
        let mut out = Vec::new();
        Decoding::new(Box::new(io::Cursor::new(bytes.to_vec())), encoding)
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    #[test]
    fn boms_and_encodings() {
        assert_eq!(
            decode(b"\xEF\xBB\xBFid,\xE5\x90\x8D", UTF_8),
            "id,名".as_bytes()
        );
        assert_eq!(decode(b"plain", UTF_8), b"plain");
        // Invalid UTF-8 passes through untouched, for the reader to reject.
        assert_eq!(decode(b"a\xFFb", UTF_8), b"a\xFFb");
        assert_eq!(decode(b"\xFF\xFEa\x00b\x00", UTF_8), b"ab");
        let big5 = encoding_for_label("big5").unwrap();
        // 故宮 in Big5.
        assert_eq!(decode(b"\xAC\x47\xAE\x63", big5), "故宮".as_bytes());
        assert_eq!(
            decode(b"\x00a\x00b", encoding_for_label("utf-16be").unwrap()),
            b"ab"
        );
        // A malformed sequence becomes U+FFFD.
        assert_eq!(decode(b"\xAC", big5), "\u{FFFD}".as_bytes());
    }

    #[test]
    fn compression_from_names() {
        assert_eq!(
            Compression::from_file_name(Path::new("a.csv.gz")),
            Compression::Gzip
        );
        assert_eq!(
            Compression::from_file_name(Path::new("a.json.tar.xz")),
            Compression::TarXz
        );
        assert_eq!(Compression::inner_name(Path::new("x/a.CSV.tgz")), "a.CSV");
        assert_eq!(tar_size(b"0000000513\0").unwrap(), 0o513);
    }
}

//! Finds where a dotted key path (`policies[1].levers.kappa`) sits in a TOML text, so that
//! validation errors, found after parsing, still point at a line and column.

use toml_edit::{ImDocument, Item, TableLike};

enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

fn segments(path: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            out.push(Segment::Key(key));
        }
        while let Some(end) = rest.find(']') {
            if let Ok(index) = rest[1..end].parse() {
                out.push(Segment::Index(index));
            }
            rest = &rest[end + 1..];
        }
    }
    out
}

/// 1-based (line, column) of a byte offset in `source`.
pub fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let before = &source[..offset.min(source.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}

/// The position of the deepest part of `path` present in `source`: the key itself if it is
/// there, otherwise the table that should have held it. `None` if the text does not parse or
/// nothing of the path is present.
pub fn locate_key(source: &str, path: &str) -> Option<(usize, usize)> {
    let document = ImDocument::parse(source).ok()?;
    let mut table: Option<&dyn TableLike> = document.as_item().as_table_like();
    let mut last: Option<&Item> = None;
    let mut best: Option<std::ops::Range<usize>> = None;
    for segment in segments(path) {
        match segment {
            Segment::Key(key) => {
                let Some((found, value)) = table.and_then(|t| t.get_key_value(key)) else {
                    break;
                };
                best = found.span().or(best);
                table = value.as_table_like();
                last = Some(value);
            }
            Segment::Index(index) => match last {
                Some(Item::ArrayOfTables(array)) => {
                    let Some(element) = array.get(index) else {
                        break;
                    };
                    best = element.span().or(best);
                    table = Some(element);
                    last = None;
                }
                Some(Item::Value(value)) => {
                    if let Some(element) = value.as_array().and_then(|a| a.get(index)) {
                        best = element.span().or(best);
                    }
                    break;
                }
                _ => break,
            },
        }
    }
    best.map(|span| line_column(source, span.start))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "name = \"x\"\nseed = 3\n\n[queue]\nservers = 12\n\n[[policies]]\nname = \"a\"\n\n[[policies]]\nname = \"b\"\n[policies.queue]\nservers = 0\n";

    #[test]
    fn finds_nested_keys() {
        assert_eq!(locate_key(TEXT, "seed"), Some((2, 1)));
        assert_eq!(locate_key(TEXT, "queue.servers"), Some((5, 1)));
        assert_eq!(locate_key(TEXT, "policies[1].queue.servers"), Some((13, 1)));
        assert_eq!(locate_key(TEXT, "policies[0].name"), Some((8, 1)));
    }

    #[test]
    fn missing_key_points_at_its_table() {
        assert_eq!(locate_key(TEXT, "queue.arrival_rate"), Some((4, 2)));
        assert_eq!(locate_key(TEXT, "horizon_days"), None);
    }
}

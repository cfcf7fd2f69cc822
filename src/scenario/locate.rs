//! Finds where a dotted key path (`policies[1].levers.kappa`) sits in a TOML text, so that
//! validation errors, found after parsing, still point at a line and column.

use toml_edit::{ImDocument, Item};

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
    let mut item: &Item = document.as_item();
    let mut best: Option<std::ops::Range<usize>> = None;
    for segment in segments(path) {
        let next = match segment {
            Segment::Key(key) => {
                let table = item.as_table_like()?;
                let (found_key, value) = match table.get_key_value(key) {
                    Some(pair) => pair,
                    None => break,
                };
                if let Some(span) = found_key.span() {
                    best = Some(span);
                }
                value
            }
            Segment::Index(index) => match item {
                Item::ArrayOfTables(array) => match array.get(index) {
                    Some(table) => {
                        if let Some(span) = table.span() {
                            best = Some(span);
                        }
                        // Indexing into an array of tables yields a table; wrap it as an item.
                        return locate_in_table(
                            source,
                            table,
                            &path_after_index(path, index),
                            best,
                        );
                    }
                    None => break,
                },
                Item::Value(value) => match value.as_array().and_then(|a| a.get(index)) {
                    Some(element) => {
                        if let Some(span) = element.span() {
                            best = Some(span);
                        }
                        break;
                    }
                    None => break,
                },
                _ => break,
            },
        };
        item = next;
    }
    best.map(|span| line_column(source, span.start))
}

/// The remainder of `path` after its first `[index]`.
fn path_after_index(path: &str, index: usize) -> String {
    let marker = format!("[{index}]");
    match path.find(&marker) {
        Some(i) => path[i + marker.len()..].trim_start_matches('.').to_string(),
        None => String::new(),
    }
}

fn locate_in_table(
    source: &str,
    table: &toml_edit::Table,
    rest: &str,
    mut best: Option<std::ops::Range<usize>>,
) -> Option<(usize, usize)> {
    let mut current: &dyn toml_edit::TableLike = table;
    for segment in segments(rest) {
        let Segment::Key(key) = segment else { break };
        let Some((found_key, value)) = current.get_key_value(key) else {
            break;
        };
        if let Some(span) = found_key.span() {
            best = Some(span);
        }
        match value.as_table_like() {
            Some(inner) => current = inner,
            None => break,
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

//! CSV lists of IDs: headers, blank rows, and every row error naming file and line.

use eds_entitlement::wire::ids_from_csv;
use eds_entitlement::{CsvProblem, Error, Field};

fn desktops(text: &str) -> Result<Vec<String>, Error> {
    ids_from_csv(text.as_bytes(), "d.csv", Field::DesktopId)
        .map(|ids| ids.iter().map(str::to_owned).collect())
}

/// The parts of an [`Error::Csv`], which is non-exhaustive: not built outside the crate.
fn csv_parts(error: Error) -> (String, u64, CsvProblem) {
    match error {
        Error::Csv {
            file,
            line,
            problem,
            ..
        } => (file, line, problem),
        other => panic!("not a CSV error: {other:?}"),
    }
}

fn message(text: &str, field: Field) -> String {
    match ids_from_csv(text.as_bytes(), "list.csv", field) {
        Ok(ids) => panic!("{text:?} was accepted as {ids:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn one_id_a_row_without_a_header() {
    assert_eq!(desktops("ecd-a\necd-b\n").unwrap(), ["ecd-a", "ecd-b"]);
    // No final newline, CRLF, a BOM, quotes.
    assert_eq!(
        desktops("\u{feff}ecd-a\r\n\"ecd,b\"\r\necd-c").unwrap(),
        ["ecd-a", "ecd,b", "ecd-c"]
    );
    // Without a header, a row is one ID: several columns need the header that picks one.
    assert_eq!(
        message("ecd-a,Alice\necd-b,Bob\n", Field::DesktopId),
        "list.csv, line 1: the first row has 2 cells separated by ',' but no header: a file of \
         several columns needs a header row naming its DesktopId column"
    );
    assert_eq!(desktops("").unwrap(), Vec::<String>::new());
}

#[test]
fn a_header_picks_its_column() {
    assert_eq!(
        desktops("Name,DesktopId,Owner\nfirst,ecd-a,Alice\nsecond,ecd-b,\n").unwrap(),
        ["ecd-a", "ecd-b"]
    );
    // Any case, padded; after blank lines.
    assert_eq!(desktops("\n\n desktopid \necd-a\n").unwrap(), ["ecd-a"]);
    let users = ids_from_csv(b"EndUserId\nAlice\nBob\n", "u.csv", Field::EndUserId).unwrap();
    assert_eq!(users.iter().collect::<Vec<_>>(), ["Alice", "Bob"]);
    // A header-only file lists nothing.
    assert_eq!(desktops("DesktopId\n").unwrap(), Vec::<String>::new());
}

#[test]
fn blank_rows_are_skipped() {
    assert_eq!(
        desktops("DesktopId,Note\n\necd-a,x\n,\n\"\",\n\r\necd-b,y\n\n").unwrap(),
        ["ecd-a", "ecd-b"]
    );
}

#[test]
fn a_row_of_whitespace_is_not_blank() {
    // Only empty cells make a blank row: whitespace is rejected, quoted or not, as it is
    // around an ID.
    assert_eq!(
        message("ecd-a\n\" \"\necd-b\n", Field::DesktopId),
        r#"list.csv, line 2: DesktopId " " begins or ends with whitespace, which IDs do not have"#
    );
    assert_eq!(
        message("ecd-a\n\t\necd-b\n", Field::DesktopId),
        r#"list.csv, line 2: DesktopId "\t" holds the control character U+0009: IDs must be printable text"#
    );
    assert_eq!(
        csv_parts(
            ids_from_csv(
                b"DesktopId,Note\necd-a,x\n  ,  \n",
                "d.csv",
                Field::DesktopId
            )
            .unwrap_err()
        ),
        (
            "d.csv".to_owned(),
            3,
            CsvProblem::Whitespace {
                field: Field::DesktopId,
                value: "  ".to_owned()
            }
        )
    );
    // A row whose ID cell is empty and whose other cells are whitespace has an empty ID.
    assert_eq!(
        message("DesktopId,Note\necd-a,x\n, \n", Field::DesktopId),
        "list.csv, line 3: the DesktopId cell is empty, but IDs must not be empty"
    );
}

#[test]
fn a_second_header_row_is_not_an_id() {
    // Two exports pasted together.
    assert_eq!(
        csv_parts(
            ids_from_csv(
                b"Name,DesktopId\nx,ecd-a\nName,DesktopId\ny,ecd-b\n",
                "d.csv",
                Field::DesktopId
            )
            .unwrap_err()
        ),
        (
            "d.csv".to_owned(),
            3,
            CsvProblem::HeaderAgain {
                field: Field::DesktopId,
                value: "DesktopId".to_owned()
            }
        )
    );
    assert_eq!(
        message("DesktopId\necd-a\n\n desktopid \necd-b\n", Field::DesktopId),
        r#"list.csv, line 4: DesktopId " desktopid " is the column's name, not an ID: is a second header row pasted in?"#
    );
    // Without a header row at the top too.
    assert_eq!(
        message("Alice\nENDUSERID\nBob\n", Field::EndUserId),
        r#"list.csv, line 2: EndUserId "ENDUSERID" is the column's name, not an ID: is a second header row pasted in?"#
    );
}

#[test]
fn row_errors_name_the_file_and_the_line() {
    // Lines count the header and the blank lines.
    assert_eq!(
        csv_parts(
            ids_from_csv(
                b"DesktopId,Note\n\necd-a,x\n,note\n",
                "d.csv",
                Field::DesktopId
            )
            .unwrap_err()
        ),
        (
            "d.csv".to_owned(),
            4,
            CsvProblem::EmptyId {
                field: Field::DesktopId
            }
        )
    );
    assert_eq!(
        message("EndUserId,Note\nAlice,x\n\n,note\n", Field::EndUserId),
        "list.csv, line 4: the EndUserId cell is empty, but IDs must not be empty"
    );
    assert_eq!(
        message("ecd-a\n\necd-b\necd-a\n", Field::DesktopId),
        r#"list.csv, line 4: DesktopId "ecd-a" repeats line 1: IDs must be unique"#
    );
    assert_eq!(
        message("ecd-a\necd-b \n", Field::DesktopId),
        r#"list.csv, line 2: DesktopId "ecd-b " begins or ends with whitespace, which IDs do not have"#
    );
    assert_eq!(
        message("ecd-a\necd-b,Bob\n", Field::DesktopId),
        "list.csv, line 2: the row has 2 cells, but the rows before it have 1 (is a comma in an ID not quoted?)"
    );
    assert_eq!(
        csv_parts(ids_from_csv(b"ecd-a\nab\xffc\n", "d.csv", Field::DesktopId).unwrap_err()),
        (
            "d.csv".to_owned(),
            2,
            CsvProblem::NotUtf8 {
                field: Field::DesktopId
            }
        )
    );
    // Lines ended by CR alone, or CRLF.
    assert_eq!(
        message("a\r\rb\ra\r", Field::DesktopId),
        r#"list.csv, line 4: DesktopId "a" repeats line 1: IDs must be unique"#
    );
    assert_eq!(
        message("a\r\n\r\nb\r\na\r\n", Field::DesktopId),
        r#"list.csv, line 4: DesktopId "a" repeats line 1: IDs must be unique"#
    );
    // A quoted cell over two lines is no ID: IDs hold no line break.
    assert_eq!(
        message("c\n\"a\nb\"\n", Field::DesktopId),
        "list.csv, line 2: the quote that opens cell 1 is not closed on its line: a cell \
         cannot span lines (is a quote stray?)"
    );
}

#[test]
fn the_earliest_problem_is_reported() {
    // A duplicate on line 4 comes before an empty ID on line 6.
    assert_eq!(
        message("DesktopId,N\na,1\nb,2\na,3\nc,4\n,5\n", Field::DesktopId),
        r#"list.csv, line 4: DesktopId "a" repeats line 2: IDs must be unique"#
    );
    // An empty ID on line 3 comes before a duplicate on line 4.
    assert_eq!(
        message("DesktopId,N\na,1\n,2\na,3\n", Field::DesktopId),
        "list.csv, line 3: the DesktopId cell is empty, but IDs must not be empty"
    );
    // A duplicate comes before a stray quote that ends the reading.
    assert_eq!(
        message("a\nb\na\n\"c\n", Field::DesktopId),
        r#"list.csv, line 3: DesktopId "a" repeats line 1: IDs must be unique"#
    );
}

#[test]
fn headers_that_cannot_be_meant() {
    assert_eq!(
        message("DesktopId,desktopid\na,b\n", Field::DesktopId),
        "list.csv, line 1: the header names the DesktopId column more than once"
    );
    assert_eq!(
        message("\nEndUserId\nAlice\n", Field::DesktopId),
        "list.csv, line 2: the header names the EndUserId column but no DesktopId column: are the files swapped?"
    );
    assert_eq!(
        message("DesktopId\necd-a\n", Field::EndUserId),
        "list.csv, line 1: the header names the DesktopId column but no EndUserId column: are the files swapped?"
    );
}

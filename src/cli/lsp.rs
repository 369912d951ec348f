//! `aims lsp`: the language server on stdin and stdout, for editors.

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Talk over stdin and stdout (the default and only transport; accepted because editors pass it)
    #[arg(long)]
    pub stdio: bool,
}

pub fn run(_args: Args) -> u8 {
    let (connection, io) = lsp_server::Connection::stdio();
    let result = crate::lsp::run(&connection);
    drop(connection);
    let joined = io.join();
    // When the input cannot be read, the loop only sees its channel close: the reader's error
    // says why, so it comes first.
    match (result, joined) {
        (Ok(()), Ok(())) => super::EXIT_OK,
        (_, Err(why)) => super::output::fail(&format!(
            "the language server stopped: what the editor sent could not be read: {}",
            why.to_string().to_lowercase()
        )),
        (Err(why), Ok(())) => super::output::fail(&format!("the language server stopped: {why}")),
    }
}

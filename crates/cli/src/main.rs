//! `rp`: the native runner of Replication Playground.
//!
//! It runs scenarios through the `playground` facade, natively and fast. It
//! must never depend on wasm or the web.

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "rp", about = "Run Replication Playground scenarios natively")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the default cluster's nodes.
    Nodes,
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Nodes => {
            for node in playground::ClusterView::default_cluster().nodes {
                println!("{}", node.accessible_name());
            }
        }
    }
    Ok(())
}

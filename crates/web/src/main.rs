//! Entry point of the page: mounts the app on `<body>`.

fn main() {
    web::start();
}

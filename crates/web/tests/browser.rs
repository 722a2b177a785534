//! Browser tests: mount the real app in a div in headless Chromium and find
//! its parts by their accessible names, as a screen reader would.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn mount() -> web_sys::Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    web::start_in(root.clone());
    root
}

fn labels(root: &web_sys::Element, selector: &str) -> Vec<String> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(n).ok())
        .filter_map(|e| e.get_attribute("aria-label"))
        .collect()
}

#[wasm_bindgen_test]
async fn app_renders_three_nodes_and_three_links_by_accessible_name() {
    let root = mount();
    gloo_timers::future::sleep(Duration::from_millis(50)).await;
    assert_eq!(
        labels(&root, "[role=button]"),
        ["Node n1, leader", "Node n2, follower, lag 0 entries", "Node n3, follower, lag 0 entries"]
    );
    assert_eq!(labels(&root, "g.link"), ["Link n1 to n2, 20 ms", "Link n1 to n3, 20 ms", "Link n2 to n3, 20 ms"]);
}

#[wasm_bindgen_test]
async fn clicking_a_node_selects_it() {
    let root = mount();
    gloo_timers::future::sleep(Duration::from_millis(50)).await;
    let node = root.query_selector("[aria-label='Node n2, follower, lag 0 entries']").unwrap().unwrap();
    // SVG elements have no click(), so dispatch a bubbling click event.
    let init = web_sys::MouseEventInit::new();
    init.set_bubbles(true);
    let event = web_sys::MouseEvent::new_with_mouse_event_init_dict("click", &init).unwrap();
    node.dispatch_event(&event).unwrap();
    gloo_timers::future::sleep(Duration::from_millis(50)).await;
    assert_eq!(node.get_attribute("aria-pressed").as_deref(), Some("true"));
}

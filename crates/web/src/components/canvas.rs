//! The cluster canvas: nodes as circles joined by links, messages moving
//! along links, clients joined to their nodes, and the partition zone.
//!
//! Direct manipulation: drag a node anywhere to move it (pointer capture, so
//! mouse, touch and pen all work and a drag survives leaving the circle);
//! drop it into the zone on the right to partition it away, drag it back out
//! to heal. Click (or Enter on) a node for its actions; click a link to cut or
//! restore it. Every node, link and client has a role and an accessible name.

use playground::panels::{ClientView, MessageView};
use playground::{ClusterView, LinkView, NodeView};
use web_sys::{Element, PointerEvent};
use yew::prelude::*;

use crate::state::{Action, ZONE_X};

/// Props of the canvas.
#[derive(Properties, PartialEq)]
pub struct CanvasProps {
    pub cluster: ClusterView,
    pub messages: Vec<MessageView>,
    pub clients: Vec<ClientView>,
    pub selected: Option<String>,
    pub dragging: Option<String>,
    pub dispatch: Callback<Action>,
    /// Nodes to highlight: a chosen key's preference list (leaderless).
    #[prop_or_default]
    pub highlight: Vec<String>,
}

/// A node's radius in canvas units: smaller in larger clusters so they stay legible.
pub fn node_radius(nodes: usize) -> i32 {
    match nodes {
        0..=8 => 38,
        9..=16 => 26,
        _ => 17,
    }
}

/// A small cluster's node radius on a phone: `.canvas .node .body { r: 58px }` in style.css.
const PHONE_NODE_RADIUS: i32 = 58;

/// Where a line from `a` towards `b` leaves `a`'s circle of radius `r`.
fn edge_point(a: &NodeView, b: &NodeView, r: i32) -> (i32, i32) {
    let (dx, dy) = (f64::from(b.x_px - a.x_px), f64::from(b.y_px - a.y_px));
    let len = dx.hypot(dy).max(1.0);
    let r = f64::from(r).min(len / 2.0);
    (a.x_px + (dx * r / len).round() as i32, a.y_px + (dy * r / len).round() as i32)
}

/// Pointer position in canvas units (the SVG's 1000 × 700 viewBox).
fn canvas_point(svg: &NodeRef, e: &PointerEvent) -> (i32, i32) {
    let Some(el) = svg.cast::<Element>() else { return (0, 0) };
    let r = el.get_bounding_client_rect();
    if r.width() <= 0.0 || r.height() <= 0.0 {
        return (0, 0);
    }
    let x = (f64::from(e.client_x()) - r.left()) * f64::from(playground::view::CANVAS_WIDTH) / r.width();
    let y = (f64::from(e.client_y()) - r.top()) * f64::from(playground::view::CANVAS_HEIGHT) / r.height();
    (x.round() as i32, y.round() as i32)
}

/// Draws the cluster.
#[function_component(Canvas)]
pub fn canvas(props: &CanvasProps) -> Html {
    let svg = use_node_ref();
    let cluster = &props.cluster;
    let onpointermove = {
        let (svg, dispatch, dragging) = (svg.clone(), props.dispatch.clone(), props.dragging.is_some());
        Callback::from(move |e: PointerEvent| {
            if dragging {
                let (x, y) = canvas_point(&svg, &e);
                dispatch.emit(Action::DragMove { x, y });
            }
        })
    };
    let onpointerup = {
        let (dispatch, dragging) = (props.dispatch.clone(), props.dragging.is_some());
        Callback::from(move |_: PointerEvent| {
            if dragging {
                dispatch.emit(Action::DragEnd);
            }
        })
    };
    let regions = playground::conflicts::regions(cluster).into_iter().map(|r| {
        html! {
            <g class="region" role="group" aria-label={format!("Region {}: {}", r.name, r.nodes.join(", "))}>
                <rect x={r.x.to_string()} y={r.y.to_string()} width={r.width.to_string()} height={r.height.to_string()} rx="18" />
                <text x={(r.x + 14).to_string()} y={(r.y + 24).to_string()}>{ format!("region {}", r.name) }</text>
            </g>
        }
    });
    let compact = node_radius(cluster.nodes.len()) < 30;
    // On a phone the stylesheet draws small clusters' nodes larger (58 units):
    // links and messages must start at that edge, or a message just sent sits
    // on the sender's label.
    let phone =
        web_sys::window().and_then(|w| w.match_media("(max-width: 600px)").ok().flatten()).is_some_and(|m| m.matches());
    let radius = if phone && !compact { PHONE_NODE_RADIUS } else { node_radius(cluster.nodes.len()) };
    let links = cluster.links.iter().filter_map(|l| link_html(cluster, l, radius, &props.dispatch));
    let links = html! { <g class="links">{ for links }</g> };
    let (links_under, links_over) = if compact { (Some(links), None) } else { (None, Some(links)) };
    // A leaderless cluster sits on its hash ring.
    let ring = cluster.ring;
    let clients = props.clients.iter().enumerate().filter_map(|(i, c)| {
        let same_node = |o: &&ClientView| o.node == c.node;
        let slot = props.clients[..i].iter().filter(same_node).count();
        client_html(cluster, c, slot, props.clients.iter().filter(same_node).count())
    });
    let messages = props.messages.iter().filter_map(|m| message_html(cluster, m, radius));
    // Nodes draw at the base radius; the stylesheet enlarges them on phones.
    let base = node_radius(cluster.nodes.len());
    let nodes: Vec<Html> = cluster.nodes.iter().map(|n| node_html(n, props, &svg, base)).collect();
    let in_zone: Vec<&str> = cluster.nodes.iter().filter(|n| n.x_px >= ZONE_X).map(|n| n.id.as_str()).collect();
    let zone_label = if in_zone.is_empty() {
        "Partition zone, empty: nodes moved here are cut off from the rest".to_string()
    } else {
        format!("Partition zone, holds {}: cut off from the rest", in_zone.join(", "))
    };
    html! {
        <svg ref={svg.clone()} class={classes!("canvas", (cluster.links.len() > 10).then_some("dense"), compact.then_some("compact"))} viewBox="0 0 1000 700" role="group" aria-label="Cluster canvas"
            {onpointermove} {onpointerup}>
            <g class="zone" role="group" aria-label={zone_label}>
                <rect x={ZONE_X.to_string()} y="8" width={(992 - ZONE_X).to_string()} height="684" rx="14" aria-hidden="true" />
                <text x={((ZONE_X + 992) / 2).to_string()} y="36" aria-hidden="true">{ "partition zone" }</text>
                <text class="zone-hint" x={((ZONE_X + 992) / 2).to_string()} y="56" aria-hidden="true">{ "drop nodes here to cut them off" }</text>
            </g>
            if ring {
                <circle class="hash-ring" cx="500" cy="350" r={playground::view::ring_radius(cluster.nodes.len()).to_string()} aria-hidden="true" />
            }
            { for regions }
            // Each kind in its own group: the messages come and go every frame,
            // and in one flat list their churn made Yew re-create the nodes,
            // throwing a focused node's keyboard focus to the page body.
            <g class="clients">{ for clients }</g>
            // In large clusters links go under the nodes, so a link never takes
            // a click meant for a node it passes; they leave the Tab order
            // (each node's actions cut or restore any of its links).
            { for links_under }
            <g class="nodes">{ for nodes }</g>
            { for links_over }
            <g class="messages" aria-hidden="true">{ for messages }</g>
        </svg>
    }
}

fn link_html(cluster: &ClusterView, link: &LinkView, radius: i32, dispatch: &Callback<Action>) -> Option<Html> {
    let (a, b) = (cluster.node(&link.from)?, cluster.node(&link.to)?);
    let state = if link.cut { "cut" } else { "connected" };
    let label = format!("Link {} to {}, {} ms, {state}", link.from, link.to, link.latency_ms);
    let toggle = {
        let (dispatch, from, to) = (dispatch.clone(), link.from.clone(), link.to.clone());
        move || dispatch.emit(Action::ToggleLink { from: from.clone(), to: to.clone() })
    };
    let onclick = {
        let toggle = toggle.clone();
        Callback::from(move |_: MouseEvent| toggle())
    };
    let onkeydown = Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" || e.key() == " " {
            e.prevent_default();
            e.stop_propagation();
            toggle();
        }
    });
    let (mx, my) = ((a.x_px + b.x_px) / 2, (a.y_px + b.y_px) / 2);
    // Links are drawn after the nodes (so Tab reaches nodes first), from
    // circle edge to circle edge so they never cover a node.
    let ((x1, y1), (x2, y2)) = (edge_point(a, b, radius), edge_point(b, a, radius));
    let (x1, y1, x2, y2) = (x1.to_string(), y1.to_string(), x2.to_string(), y2.to_string());
    Some(html! {
        <g key={format!("{}-{}", link.from, link.to)} class={classes!("link", link.cut.then_some("cut"))} role="button" tabindex={if radius < 30 { "-1" } else { "0" }} aria-label={label}
            aria-pressed={link.cut.to_string()} {onclick} {onkeydown}>
            <line class="link-hit" x1={x1.clone()} y1={y1.clone()} x2={x2.clone()} y2={y2.clone()} />
            <line class="link-line" {x1} {y1} {x2} {y2} />
            <text class="link-latency" x={mx.to_string()} y={(my - 8).to_string()}>
                { if link.cut { "✂ cut".to_string() } else { format!("{} ms", link.latency_ms) } }
            </text>
        </g>
    })
}

fn client_html(cluster: &ClusterView, c: &ClientView, slot: usize, of: usize) -> Option<Html> {
    let node = cluster.node(&c.node)?;
    // Clients sit outside the cluster, away from its centre, so they never
    // cover a link; several on one node fan out sideways.
    let count = cluster.nodes.len().max(1) as f64;
    let cx = cluster.nodes.iter().map(|n| f64::from(n.x_px)).sum::<f64>() / count;
    let cy = cluster.nodes.iter().map(|n| f64::from(n.y_px)).sum::<f64>() / count;
    let (dx, dy) = (f64::from(node.x_px) - cx, f64::from(node.y_px) - cy);
    let len = dx.hypot(dy);
    let (ux, uy) = if len < 1.0 { (0.0, 1.0) } else { (dx / len, dy / len) };
    let fan = (slot as f64 - (of as f64 - 1.0) / 2.0) * 56.0;
    let x = f64::from(node.x_px) + ux * 135.0 - uy * fan;
    let y = f64::from(node.y_px) + uy * 135.0 + ux * fan;
    // A client stays out of the partition zone unless its node is in it.
    let x_max = if node.x_px >= ZONE_X { playground::view::CANVAS_WIDTH - 50 } else { ZONE_X - 30 };
    let x = (x.round() as i32).clamp(50, x_max);
    let y = (y.round() as i32).clamp(30, playground::view::CANVAS_HEIGHT - 30);
    let label = format!("Client {}, talks to {}, read policy {}", c.id, c.node, c.policy);
    Some(html! {
        <g key={c.id.clone()} class={classes!("client", c.busy.then_some("busy"))} role="img" aria-label={label}>
            <line class="client-link" x1={x.to_string()} y1={y.to_string()} x2={node.x_px.to_string()} y2={node.y_px.to_string()} />
            <rect x={(x - 22).to_string()} y={(y - 14).to_string()} width="44" height="28" rx="6" />
            <text x={x.to_string()} y={(y + 5).to_string()}>{ &c.id }</text>
        </g>
    })
}

fn message_html(cluster: &ClusterView, m: &MessageView, radius: i32) -> Option<Html> {
    let (a, b) = (cluster.node(&m.from)?, cluster.node(&m.to)?);
    // From circle edge to circle edge, so a message just sent never sits on
    // its sender's label.
    let ((ax, ay), (bx, by)) = (edge_point(a, b, radius), edge_point(b, a, radius));
    let p = i64::from(m.progress_permille);
    let x = i64::from(ax) + (i64::from(bx - ax) * p) / 1000;
    let y = i64::from(ay) + (i64::from(by - ay) * p) / 1000;
    Some(html! {
        <circle key={m.id.to_string()} class={classes!("msg", m.kind)} cx={x.to_string()} cy={y.to_string()} r={if radius < 30 { "5" } else { "7" }} aria-hidden="true" />
    })
}

fn node_html(node: &NodeView, props: &CanvasProps, svg: &NodeRef, radius: i32) -> Html {
    let selected = props.selected.as_deref() == Some(node.id.as_str());
    let dragging = props.dragging.as_deref() == Some(node.id.as_str());
    let class = classes!(
        "node",
        node.role.as_str(),
        node.fenced.then_some("fenced"),
        selected.then_some("selected"),
        dragging.then_some("dragging"),
        props.highlight.contains(&node.id).then_some("home")
    );
    let onpointerdown = {
        let (dispatch, id, svg) = (props.dispatch.clone(), node.id.clone(), svg.clone());
        Callback::from(move |e: PointerEvent| {
            e.prevent_default();
            // Capture on the canvas itself: Yew delegates events from the app
            // root, so the canvas's own move/up handlers must receive them.
            if let Some(canvas) = svg.cast::<Element>() {
                let _ = canvas.set_pointer_capture(e.pointer_id());
            }
            let (x, y) = canvas_point(&svg, &e);
            dispatch.emit(Action::DragStart { node: id.clone(), x, y });
        })
    };
    let onkeydown = {
        let (dispatch, id) = (props.dispatch.clone(), node.id.clone());
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" {
                e.prevent_default();
                dispatch.emit(Action::OpenMenu(id.clone()));
            }
        })
    };
    let (x, y, r) = (node.x_px, node.y_px, radius);
    // Large clusters drop the words inside and under each circle (role is
    // its colour and its accessible name; lag is in the lag panel).
    let roomy = r >= 30;
    let lag = if node.lag_entries > 0 && r >= 20 { format!("lag {}", node.lag_entries) } else { String::new() };
    html! {
        <g key={node.id.clone()} {class} role="button" tabindex="0" aria-label={node.accessible_name()} aria-haspopup="menu"
            aria-pressed={selected.to_string()} {onpointerdown} {onkeydown}>
            <circle class="halo" cx={x.to_string()} cy={y.to_string()} r={(r + 8).to_string()} />
            <circle class="body" cx={x.to_string()} cy={y.to_string()} r={r.to_string()} />
            if node.role == playground::Role::Leader {
                // The crown the scenario captions talk about ("watch two crowns at once").
                <text class="crown" x={(x - r - 4).to_string()} y={(y - r + 14).to_string()} aria-hidden="true">{ "♛" }</text>
            }
            <text class={classes!("node-id", (!roomy).then_some("small"))} x={x.to_string()} y={(y + if roomy { 2 } else { 5 }).to_string()}>{ &node.id }</text>
            if roomy && node.role != playground::Role::Offline && node.has_epoch {
                <text class="node-epoch" x={x.to_string()} y={(y + 20).to_string()}>{ format!("epoch {}", node.epoch) }</text>
            }
            if roomy && node.role != playground::Role::Offline && !node.has_epoch && node.clock_skew_ms != 0 {
                <text class="node-skew" x={x.to_string()} y={(y + r + 38).to_string()}>{ format!("clock {:+} ms", node.clock_skew_ms) }</text>
            }
            if node.sibling_keys > 0 {
                <g class="lag-badge siblings">
                    <rect x={(x - 74).to_string()} y={(y - r - 8).to_string()} width="64" height="20" rx="10" />
                    <text x={(x - 42).to_string()} y={(y - r + 6).to_string()}>{ "siblings" }</text>
                </g>
            }
            if r >= 20 {
                <text class="node-role" x={x.to_string()} y={(y + r + 18).to_string()}>
                    { if node.fenced { "leader · lease expired" } else { node.role.as_str() } }
                </text>
            }
            // Hinted writes this node holds for an unreachable home (leaderless).
            { for node.hints.iter().enumerate().map(|(i, (home, count))| html! {
                <text class="node-hint" x={x.to_string()} y={(y + r + 38 + 16 * i as i32).to_string()}>
                    { if *count == 1 { format!("hint for {home}") } else { format!("{count} hints for {home}") } }
                </text>
            }) }
            if let Some(rank) = props.highlight.iter().position(|h| h == &node.id) {
                <text class="home-rank" x={(x + r).to_string()} y={(y - r).to_string()} aria-hidden="true">{ format!("#{}", rank + 1) }</text>
            }
            if !lag.is_empty() {
                // Right of the circle, clear of the id inside, the role below,
                // the crown and a region's name above.
                <g class="lag-badge" aria-hidden="true">
                    <rect x={(x + r + 4).to_string()} y={(y - 9).to_string()} width="52" height="18" rx="9" />
                    <text x={(x + r + 30).to_string()} y={(y + 4).to_string()}>{ lag }</text>
                </g>
            }
        </g>
    }
}

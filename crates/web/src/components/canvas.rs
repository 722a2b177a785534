//! The cluster canvas: nodes as circles joined by links, drawn in SVG.
//!
//! Every node and link has a role and an accessible name, so a screen reader
//! (and the end-to-end tests) can find them: "Node n2, follower".

use playground::{ClusterView, NodeView};
use yew::prelude::*;

/// Props of the canvas.
#[derive(Properties, PartialEq)]
pub struct CanvasProps {
    pub cluster: ClusterView,
    pub selected: Option<String>,
    pub on_select: Callback<String>,
}

const NODE_RADIUS_PX: i32 = 34;

/// Draws the cluster.
#[function_component(Canvas)]
pub fn canvas(props: &CanvasProps) -> Html {
    let cluster = &props.cluster;
    let links = cluster.links.iter().filter_map(|link| {
        let (a, b) = (cluster.node(&link.from)?, cluster.node(&link.to)?);
        let label = format!("Link {} to {}, {} ms", link.from, link.to, link.latency_ms);
        Some(html! {
            <g class="link" role="img" aria-label={label}>
                <line x1={a.x_px.to_string()} y1={a.y_px.to_string()} x2={b.x_px.to_string()} y2={b.y_px.to_string()} />
                <text class="link-latency" x={((a.x_px + b.x_px) / 2).to_string()} y={((a.y_px + b.y_px) / 2 - 6).to_string()}>
                    { format!("{} ms", link.latency_ms) }
                </text>
            </g>
        })
    });
    let nodes = cluster.nodes.iter().map(|node| node_html(node, props));
    html! {
        <svg class="canvas" viewBox="0 0 1000 700" role="group" aria-label="Cluster">
            { for links }
            { for nodes }
        </svg>
    }
}

fn node_html(node: &NodeView, props: &CanvasProps) -> Html {
    let selected = props.selected.as_deref() == Some(node.id.as_str());
    let class = classes!("node", node.role.as_str(), selected.then_some("selected"));
    let onclick = {
        let (on_select, id) = (props.on_select.clone(), node.id.clone());
        Callback::from(move |_: MouseEvent| on_select.emit(id.clone()))
    };
    html! {
        <g {class} role="button" tabindex="0" aria-label={node.accessible_name()} aria-pressed={selected.to_string()} {onclick}>
            <circle cx={node.x_px.to_string()} cy={node.y_px.to_string()} r={NODE_RADIUS_PX.to_string()} />
            <text class="node-id" x={node.x_px.to_string()} y={(node.y_px + 5).to_string()}>{ &node.id }</text>
            <text class="node-role" x={node.x_px.to_string()} y={(node.y_px + NODE_RADIUS_PX + 18).to_string()}>{ node.role.as_str() }</text>
        </g>
    }
}

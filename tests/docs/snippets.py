"""Small method pages written for these tests (made-up API: widgets), in the two dialects
the Wix docs come in.  ``LIVE`` indents one field per line; ``collapse(LIVE)`` is the same
page with all whitespace folded onto one line, as in the shared copies."""

import re

LIVE = """# MakeWidget

# Package: widgets

# Namespace: Widgets

# Method link: https://dev.wix.com/docs/api-reference/test/widgets/make-widget.md

## Permission Scopes:
Manage Widgets: SCOPE.TEST.MANAGE-WIDGETS

## Introduction

Makes a widget.

---

## REST API

### Schema

```
 Method: makeWidget
 Description: Makes a widget. ### Status requirements - __Original status__: Every widget must be `DRAFT` or `READY`. - __Target status__: Widgets move to `MADE` (all-or-nothing).
 URL: https://www.wixapis.com/_api/widgets-service/v2/widgets/{widgetId}/make
 Method: POST
 Required parameters: widget, widget.frame.depth
 Method parameters: 
   param name: widget | type: Widget | description: The widget. | required: true
    - ONE-OF: - required: true
     - name: count | type: integer | description: How many.
     - name: choice | type: Choice | description: Which one.
        - name: label | type: string | description: Label GUID.
        - name: weight | type: number | description: Weight.
        - name: frame | type: Frame | description: The frame.
           - name: depth | type: integer | description: Depth.
           - name: kind | type: FrameKind | description: Kind.
                    - enum:
                    -     WOOD: wood.
                    -     METAL: metal.
        - name: revision | type: string | description: Revision.
   param name: quiet | type: quiet | description: Whether to be quiet.
   param name: notes | type: array | description: Notes.
 Return type: MakeWidgetResponse
  - name: widget | type: Widget | description: The widget.
     - ONE-OF: 
        - name: count | type: integer | description: How many.
        - name: choice | type: Choice | description: Which one.
           - name: label | type: string | description: Label GUID.
           - name: weight | type: number | description: Weight.
     - name: frame | type: Frame | description: The frame.
        - name: depth | type: integer | description: Depth.
        - name: kind | type: FrameKind | description: Kind.
                 - enum:
                 -     WOOD: wood.
                 -     METAL: metal.
     - name: revision | type: string | description: Revision.
     - name: createdDate | type: string | description: Created in `YYYY-MM-DDThh:mm:ss.sssZ` format.

 Possible Errors:
   HTTP Code: 404 | Status Code: NOT_FOUND | Application Code: WIDGET_NOT_FOUND | Description: no such widget
   HTTP Code: 428 | Status Code: FAILED_PRECONDITION | Application Code: WIDGET_REVISION_MISMATCH | Description: stale revision

```

### Examples

### Make a widget
```curl
curl -X POST \\
'https://www.wixapis.com/widgets/v2/widgets/w-1/make' \\
-d '{"widget": {"count": 2, "revision": 3, "colour": "red"}}'
```

---

## JavaScript SDK

### Schema

```
 Method: wixClientAdmin.widgets.Widgets.makeWidget(widgetId, options)
 Description: Makes a widget.
 Required parameters: widgetId
 Method parameters: 
   param name: widgetId | type: string | description: Widget GUID. | required: true
   param name: options | type: MakeWidgetOptions  none 
        - name: widget | type: Widget | description: The widget.
        - name: quiet | type: boolean | description: Whether to be quiet.
 Return type: PROMISE<MakeWidgetResponse>
  - name: widget | type: Widget | description: The widget.
     - name: _createdDate | type: Date | description: Created.

 Possible Errors:
   HTTP Code: 404 | Status Code: NOT_FOUND | Application Code: WIDGET_NOT_FOUND | Description: none

```
"""


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


NOT_A_METHOD = """# Widgets

A menu page listing child pages.

- [Make Widget](https://dev.wix.com/docs/api-reference/test/widgets/make-widget.md)
"""


# A Velo-style page (made-up API): the signature names the parameters, the description the
# option fields it uses; no field list, no response, no errors.
VELO = """# Method name: makeWidget(widgetId: string, options: MakeWidgetOptions)

# Method package: wixWidgetsV2

# Method menu location: wixWidgetsV2 --> widgets --> makeWidget

# Method Link: https://dev.wix.com/docs/velo/apis/test/widgets/make-widget.md

# Method Description: Makes a widget. The widget status changes to `MADE`. Pass `frame.depth` to size it and `quiet` as `true` to keep it quiet.
"""

"use strict";
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};
var meta_exports = {};
__export(meta_exports, {
  ColourOriginal: () => Colour,
  dropWidget: () => dropWidget2,
  gadgetsPeekWidget: () => gadgetsPeekWidget2
});
module.exports = __toCommonJS(meta_exports);
function resolveAcmeWidgetsV3Url(opts) {
  const domainToMappings = {
    _: [
      {
        srcPath: "/_api/widget-service/v3/widgets",
        destPath: "/v3/widgets"
      },
      {
        srcPath: "/_api/widget-service/v3/widgets/special",
        destPath: "/v3/widgets/special"
      }
    ],
    "public.example": [
      {
        srcPath: "/widgets/v3/widgets",
        destPath: "/v3/widgets"
      }
    ],
    "*.sandbox.example": [
      {
        srcPath: "/_api/widget-service",
        destPath: "/v3/widgets"
      }
    ]
  };
  return (0, import_rest_modules2.resolveUrl)(Object.assign(opts, { domainToMappings }));
}
var PACKAGE_NAME = "@acme/widgets";
function dropWidget(payload) {
  function __dropWidget({ host }) {
    const metadata = {
      entityFqdn: "acme.widgets.v3.widget",
      method: "POST",
      methodFqn: "com.acme.widgets.v3.Widgets.DropWidget",
      packageName: PACKAGE_NAME,
      url: resolveAcmeWidgetsV3Url({
        protoPath: "/v3/widgets/{widgetId}/drop",
        data: payload,
        host
      }),
      data: payload
    };
    return metadata;
  }
  return __dropWidget;
}
function peekWidget(payload) {
  function __peekWidget({ host }) {
    const metadata = {
      method: "GET",
      methodFqn: "com.acme.widgets.v3.Widgets.PeekWidget",
      url: resolveAcmeWidgetsV3Url({ protoPath: "/v3/widgets/special/{widgetId}", data: payload, host })
    };
    return metadata;
  }
  return __peekWidget;
}
function dropWidget2() {
  const payload = { widgetId: ":widgetId" };
  const getRequestOptions = dropWidget(payload);
  const getUrl = (context) => {
    const { url } = getRequestOptions(context);
    return url;
  };
  return {
    getUrl,
    httpMethod: "POST",
    path: "/v3/widgets/{widgetId}/drop",
    pathParams: { widgetId: "widgetId" },
    __requestType: null
  };
}
function gadgetsPeekWidget2() {
  const payload = { widgetId: ":widgetId" };
  const getRequestOptions = peekWidget(payload);
  return { httpMethod: "GET", path: "/v3/widgets/special/{widgetId}", pathParams: {} };
}

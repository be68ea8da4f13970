interface DropWidgetRequest extends DropWidgetRequestModeOneOf {
    widgetId: string;
    gently?: boolean;
    hard?: boolean;
    revision: string | null;
    options?: DropOptions;
}
/** @oneof */
interface DropWidgetRequestModeOneOf {
    gently?: boolean;
    hard?: boolean;
}
interface DropOptions { reason: string; note?: string; }
interface DropWidgetResponse { widget?: Widget; }
interface Widget { id?: string; }
interface PeekWidgetRequest { widgetId: string; filter: PeekFilter; }
interface PeekFilter { kind: string; depth?: number; }
interface PeekWidgetResponse { widget?: Widget; }
declare function dropWidget(): __PublicMethodMetaInfo<'POST', {
    widgetId: string;
}, DropWidgetRequest$1, DropWidgetRequest, DropWidgetResponse$1, DropWidgetResponse>;

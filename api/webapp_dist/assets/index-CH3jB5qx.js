var e,t,n,r,i,a,o,s,c,l,u,d=Symbol.for(`pv`),f={},p=[],m=/^m(i|n|o|s|text|space)$/,h=Array.isArray,g=p.slice,_=Object.assign;function v(e){e&&e.parentNode&&e.remove()}function y(n,r,i,a,o){var s={type:n,props:r,key:i,ref:a,__k:null,__:null,__b:0,__e:null,__c:null,constructor:d,__v:o||++t,__i:-1,__u:0};return!o&&e.vnode&&e.vnode(s),s}function b(e){return e.children}function x(e,t){this.props=e,this.context=t,this.__g=0}function S(e,t){if(t==null)return e.__&&S(e.__,e.__i+1);for(var n;t<e.__k.length;t++)if((n=e.__k[t])&&n.__e)return n.__e;return typeof e.type!=`function`||e.props.__P?null:S(e)}function C(t){var n,r=t.__v,i=r.__e,a=[],o=[],s=t.__P;s&&((n=_({constructor:d},r)).__v=r.__v+1,e.vnode&&e.vnode(n),A(s,n,r,t.__n,s.namespaceURI,32&r.__u?[i]:null,a,i||S(r),32&r.__u,o),n.__v=r.__v,n.__.__k[n.__i]=n,oe(a,n,o),r.__=r.__e=null,n.__e!=i&&w(n))}function w(e){if((e=e.__)&&e.__c&&!e.props.__P)return e.__e=null,e.__k.some(function(t){return t&&(e.__e=t.__e)}),w(e)}function T(t){(8&t.__g||(t.__g|=8,n.push(t),i++))&&r==e.debounceRendering||((r=e.debounceRendering)||queueMicrotask)(E)}function E(){try{for(var e,t=1;n.length;)n.length>t&&n.sort(a),e=n.shift(),t=n.length,8&e.__g&&C(e)}finally{(i=n.length)&&(r||queueMicrotask)(E)}}function D(e,t,n,r,i,a,o,s,c,l,u){var d,m,h,g,_,v,y=r.__k||p,b=t.length;for(c=O(n,t,y,c,b),d=0;d<b;d++)(h=n.__k[d])!=null&&(m=~h.__i&&y[h.__i]||f,h.__i=d,v=A(e,h,m,i,a,o,s,c,l,u),g=h.__e,(m.ref!=h.ref||8&m.__u)&&(m.ref&&j(m.ref,null,h,m),h.ref&&u.push(h.ref,h.__c||g,h)),_||=g,4&h.__u?(c=k(h,c,e,!m.__v),m.__e&&(m.__e=null)):typeof h.type==`function`&&v!==void 0?c=v:g&&(c=g.nextSibling),h.__u&=-21);return n.__e=_,c}function O(e,t,n,r,i){var a,o,s,c,l,u,f,p,m,g=n.length,_=g,v=0,x=0,C=e.__k=Array(i);for(a=0;a<i;a++)(o=t[a])!=null&&typeof o!=`boolean`&&typeof o!=`function`?(typeof o!=`object`||o.constructor===String?o=C[a]=y(null,o):h(o)?o=C[a]=y(b,{children:o}):o.constructor===d&&o.__b?o=C[a]=y(o.type,o.props,o.key,o.ref,o.__v):C[a]=o,c=a+v,o.__=e,o.__b=e.__b+1,s=null,~(l=o.__i=ee(o,n,c,_))&&(_--,(s=n[l])&&(s.__u|=2)),s&&s.__v?(o.__u|=16,l==c-1?v--:l==c+1?v++:l!=c&&(l>c?v--:v++,x=1)):(~l||(i>g?v--:i<g&&v++),typeof o.type!=`function`&&(o.__u|=4))):C[a]=null;if(x){for(u=[],f=[],a=0;a<i;a++)if((o=C[a])&&16&o.__u){for(v=0,p=u.length;v<p;)u[m=v+p>>1]<o.__i?v=m+1:p=m;u[v]=o.__i,f[a]=v+1}for(v=u.length;a--;)f[a]&&(f[a]==v?v--:C[a].__u|=4)}if(_)for(a=0;a<g;a++)!(s=n[a])||2&s.__u||(s.__e==r&&(r=S(s)),ce(s,s));return r}function k(e,t,n,r){var i,a,o,s;if(typeof e.type==`function`){if(e.props.__P)return t;if(i=e.__k)for(a=0;a<i.length;a++)i[a]&&(i[a].__=e,t=k(i[a],t,n,!1));return t}for(t&&!t.parentNode&&(t=S(e))&&!t.parentNode&&(t=null),o=e.__e,s=t;s&&s.nodeType==8;)s=s.nextSibling;for(o!=s&&(!r&&n.moveBefore&&o.parentNode?n.moveBefore(o,t):n.insertBefore(o,t||null)),t=o;(t&&=t.nextSibling)&&t.nodeType==8&&!t.data.startsWith(`$s`););return t}function ee(e,t,n,r){var i,a=e.key,o=e.type,s=t[n],c=s&&!(2&s.__u);if(s===null&&a==null||c&&a==s.key&&o==s.type)return n;if(r>+!!c){for(i=n-1;i>=0;i--)if((s=t[i])&&!(2&s.__u)&&a==s.key&&o==s.type)return i;for(i=n+1;i<t.length;i++)if((s=t[i])&&!(2&s.__u)&&a==s.key&&o==s.type)return i}return-1}function te(e,t,n){n??=``,t[0]==`-`?e.setProperty(t,n):e[t]=n}function ne(e,t,n,r,i){var a,o;if(t==`style`){if(typeof n==`string`)e.style.cssText=n;else{if(typeof r==`string`&&(e.style.cssText=r=``),r)for(t in r)n&&t in n||te(e.style,t);if(n)for(t in n)r&&n[t]==r[t]||te(e.style,t,n[t])}}else if(t[0]==`o`&&t[1]==`n`)typeof n!=`function`&&(n=null),typeof r!=`function`&&(r=null),(e.__e||={})[t]=n,n&&r||(o=l[t]||(l[t]=re(t)),(e.__a||={})[t]=c,a=t!=(t=t.replace(s,`$1`)),(t=t.slice(2))[0]<`a`&&(t=t.toLowerCase()),n?e.addEventListener(t,o,a):e.removeEventListener(t,o,a));else{if(i==`http://www.w3.org/2000/svg`)t=t.replace(/xlink(H|:h)/,`h`).replace(/sName$/,`s`);else if(t!=`width`&&t!=`height`&&t!=`href`&&t!=`list`&&t!=`form`&&t!=`tabIndex`&&t!=`download`&&t!=`rowSpan`&&t!=`colSpan`&&t!=`role`&&t!=`popover`&&t in e)try{e[t]=n??``;return}catch{}if(typeof n==`function`)return;n==null||!1===n&&t[4]!=`-`?e.removeAttribute(t):e.setAttribute(t,t==`popover`&&n==1?``:n)}}function re(t){return function(n){var r=this.__e;if(r){if(r=r[t],n[o]==null)n[o]=c++;else if(n[o]<this.__a[t])return;return r(e.event?e.event(n):n)}}}function A(t,n,r,i,a,o,s,c,l,u){var f,m,g,y,C,w,T,E,O,k,ee,te,ne,re,A,oe,j,ue,M=n.type;if(n.constructor!==d)return null;128&r.__u&&(l=32&r.__u,f=r.__c.__z)&&(n.__u|=l,m=o=[],f.nodeType==8?c=ie(f,o):o.push(f),c=o[0]||c),(f=e.__b)&&f(n);n:if(typeof M==`function`){g=s.length;try{if(E=n.props,O=(f=M.prototype)&&f.render,k=(f=M.contextType)&&i[f.__c],ee=f?k?k.props.value:f.__:i,(y=r.__c)?(n.__c=y,2&y.__g&&(y.__g|=1)):(O?n.__c=y=new M(E,ee):(n.__c=y=new x(E,ee),y.constructor=M,y.render=le),k&&k.sub(y),y.state||(y.state={}),y.__n=i,y.__g|=8,y.__h=[],y.__k=[]),O&&(y.__s||(y.__s=y.state),M.getDerivedStateFromProps&&(y.__s==y.state&&(y.__s=_({},y.__s)),_(y.__s,M.getDerivedStateFromProps(E,y.__s)))),C=y.props,w=y.state,y.__v=n,r.__c){if(E!==C&&O&&!M.getDerivedStateFromProps&&y.componentWillReceiveProps&&y.componentWillReceiveProps(E,ee),n.__v==r.__v&&!(8&y.__g)||!(4&y.__g)&&y.shouldComponentUpdate&&!1===y.shouldComponentUpdate(E,y.__s,ee)){n.__v!=r.__v&&(y.props=E,y.state=y.__s,y.__g&=-9),n.__e=r.__e,n.__k=r.__k,n.__k.some(function(e){e&&(e.__=n)}),p.push.apply(y.__h,y.__k),y.__k=[],y.__h.length&&s.push(y),c=S(r);break n}y.componentWillUpdate&&y.componentWillUpdate(E,y.__s,ee),O&&y.componentDidUpdate&&y.__h.push(function(){y.componentDidUpdate(C,w,T)})}else O&&!M.getDerivedStateFromProps&&y.componentWillMount&&y.componentWillMount(),O&&y.componentDidMount&&y.__h.push(y.componentDidMount);y.context=ee,y.props=E,y.__P=t,y.__g&=-5,te=e.__r,ne=O?25:0;do y.__g&=-9,te&&te(n),f=y.render(y.props,y.state=y.__s,y.context);while(8&y.__g&&++ne<25);O&&(p.push.apply(y.__h,y.__k),y.__k=[]),y.state=y.__s,y.getChildContext&&(i=_({},i,y.getChildContext())),O&&r.__c&&y.getSnapshotBeforeUpdate&&(T=y.getSnapshotBeforeUpdate(C,w)),re=f&&f.type===b&&f.key==null?f.props.children:f,E.__P&&(f=c,a=(t=E.__P).namespaceURI,l=o=null,r.props&&r.props.__P!=t&&(r.__k.some(function(e){e&&ce(e,e)}),r.__k=null),c=r.__k?S(r,0):null),c=D(t,h(re)?re:[re],n,r,i,a,o,s,c,l,u),E.__P&&(n.__e=null,c=f),n.__u&=-161,m&&m.some(v),y.__h.length&&s.push(y),1&y.__g&&(y.__g&=-4)}catch(t){if(s.length=g,n.__v=null,l||o){if(t&&t.then){if(n.__u|=128|l,o){for(~(j=o.indexOf(c||void 0))||(j=o.length);(ue=o[j-1])&&ue.nodeType==8;)j--;for(;j<o.length;j++)if(ue=o[j]){if(o[j]=null,A){if(ue==oe)break}else{if(ue.nodeType!=8)break;ue.data.startsWith(`$s`)&&(oe=ie(A=ue))}}}if(!A){for(;c&&c.nodeType==8&&c.nextSibling;)c=c.nextSibling;A=c}(f=ie(A=n.__c.__z||(n.__c.__z=A)))?(n.__e=A,c=f):n.__e=c,c&&=c.nextSibling}else o&&o.some(v)}else n.__e=r.__e;n.__k||=r.__k||[],t&&t.then||ae(n),e.__e(t,n,r)}}else c=n.__e=se(r.__e,n,r,i,a,o,s,l,u,t);return(f=e.diffed)&&f(n),c}function ie(e,t){if(e&&e.nodeType==8&&e.data.startsWith(`$s`))for(var n=1;e=e.nextSibling;){if(e.nodeType==8){if(e.data.startsWith(`$s`))n++;else if(e.data.startsWith(`/$s`)&&!--n)return e}t&&t.push(e)}}function ae(e){e&&(e.__c&&(e.__c.__g|=4),e.__k&&e.__k.some(ae))}function oe(t,n,r){for(var i=0;i<r.length;)j(r[i++],r[i++],r[i++]);e.__c&&e.__c(n,t),t.some(function(n){try{t=n.__h,n.__h=[],t.some(function(e){e.call(n)})}catch(t){e.__e(t,n.__v)}})}function se(t,n,r,i,a,o,s,c,l,u){var d,p,_,y,b,x,C,w,T=r.props||f,E=n.props,O=n.type;if(O==`svg`?a=`http://www.w3.org/2000/svg`:O==`math`?a=`http://www.w3.org/1998/Math/MathML`:a||=`http://www.w3.org/1999/xhtml`,o){for(d=0;d<o.length;d++)if((b=o[d])&&(O?b.localName==O:b.nodeType==3)){t=b,o[d]=null;break}}if(!t){if(w=u.ownerDocument||document,!O)return w.createTextNode(E);t=w.createElementNS(a,O,E.is?E:u),c&&=(e.__m&&e.__m(n,o),!1),o=null}if(O){if(u=O==`template`&&t.content||t,o=O==`textarea`&&E.defaultValue!=null?null:o&&g.call(u.childNodes),!c&&o)for(T={},d=0;d<t.attributes.length;d++)T[(b=t.attributes[d]).name]=b.value;for(d in T)b=T[d],d==`dangerouslySetInnerHTML`?_=b:d==`children`||d in E||d==`value`&&`defaultValue`in E||d==`checked`&&`defaultChecked`in E||ne(t,d,null,b,a);for(d in E)b=E[d],d==`children`?y=b:d==`dangerouslySetInnerHTML`?p=b:d==`value`?x=b:d==`checked`?C=b:c&&typeof b!=`function`||T[d]===b||ne(t,d,b,T[d],a);p?(c||_&&(p.__html==_.__html||p.__html==t.innerHTML)||(t.innerHTML=p.__html),n.__k=[]):(_&&(t.textContent=``),(O==`foreignObject`||a==`http://www.w3.org/1998/Math/MathML`&&m.test(O))&&(a=`http://www.w3.org/1999/xhtml`),D(u,h(y)?y:[y],n,r,i,a,o,s,o?o[0]:r.__k&&S(r,0),c,l),o&&o.some(v)),c&&O!=`textarea`||(d=`value`,O==`progress`&&x==null?t.removeAttribute(d):x==null||x===t[d]&&(O!=`progress`||x)||ne(t,d,x,T[d],a),d=`checked`,C!=null&&C!=t[d]&&ne(t,d,C,T[d],a))}else T===E||c&&t.data==E||(t.data=E);return t}function j(t,n,r,i){try{typeof t==`function`?n?n.__x=t(n)||1:(i&&=i.__c||i.__e)&&(n=i.__x)&&(i.__x=null,typeof n==`function`?n():t(null)):t.current=n}catch(t){e.__e(t,r)}}function ce(t,n,r){var i,a,o,s;if(e.unmount&&e.unmount(t),!(i=t.ref)||i.current&&i.current!=t.__e||j(i,null,n,t),i=t.__c){if(i.componentWillUnmount)try{i.componentWillUnmount()}catch(t){e.__e(t,n)}i.__P=i.__n=null}if(i=t.__k)for(s=0;s<i.length;s++)i[s]&&ce(i[s],n,typeof t.type!=`function`||r&&!t.props.__P);!r&&(i=t.__c)&&(i=i.__z)&&(a=ie(i,o=[]))&&(i==t.__e&&o.some(v),v(a),v(i)),r||v(t.__e),t.__e=t.__c=t.__=null}function le(e,t,n){return this.constructor(e,n)}function ue(t,n){var r,i,a,o;e.__&&e.__(t,n),n.nodeType==9&&(n=n.documentElement),i=(r=t&&32&t.__u)?null:n.__k,n.__k=y(b,{children:[t]}),a=[],o=[],A(n,n.__k,i||f,f,n.namespaceURI,i?null:n.firstChild?g.call(n.childNodes):null,a,i?i.__e:n.firstChild,r,o),oe(a,n.__k,o),n.__k.props.children=null}function M(e){function t(e){var n,r;return this.getChildContext||(n=new Set,(r={})[t.__c]=this,this.getChildContext=function(){return r},this.shouldComponentUpdate=function(e){this.props.value!=e.value&&n.forEach(function(e){e.__g|=4,T(e)})},this.sub=function(e){n.add(e);var t=e.componentWillUnmount;e.componentWillUnmount=function(){n.delete(e),t&&t.call(e)}}),e.children}return t.__c=`__cC`+u++,t.__=e,t.Provider=(t.Consumer=function(e,t){return e.children(t)}).contextType=t,t}e={__e:function(e,t,n,r){for(var a,o,s;t=t.__;)if((a=t.__c)&&!(1&a.__g)){a.__g|=4;try{if((s=(o=a.constructor)&&o.getDerivedStateFromError)&&a.setState(o.getDerivedStateFromError(e)),a.componentDidCatch&&(a.componentDidCatch(e,r||{}),s=1),s&&8&a.__g)return void(a.__g|=2)}catch(t){e=t}}throw i=0,e}},t=0,x.prototype.setState=function(e,t){var n=this.__s;n&&n!=this.state||(n=this.__s=_({},this.state)),typeof e==`function`&&(e=e(_({},n),this.props)),e&&(_(n,e),this.__v&&(t&&this.__k.push(t),T(this)))},x.prototype.forceUpdate=function(e){this.__v&&(this.__g|=4,e&&this.__h.push(e),T(this))},x.prototype.render=b,n=[],i=0,a=function(e,t){return e.__v.__b-t.__v.__b},o=Symbol(),s=/(PointerCapture)$|Capture$/i,c=0,l={},u=0;var de,N,fe,pe,me=Object.is,he=0,ge=[],_e=[],P=e,ve=P.__b,ye=P.__r,be=P.diffed,xe=P.__c,Se=P.unmount,Ce=P.__;function we(e,t){P.__h&&P.__h(N,e,he||t),he=0;var n=N.__H||(N.__H={__:[],__h:[]});return e>=n.__.length&&n.__.push({}),n.__[e]}function F(e){return he=1,Te(Ie,e)}function Te(e,t,n){var r=we(de++,2);if(r.t=e,!r.__c&&(r.__=[n?n(t):Ie(void 0,t),function(e){var t=(r.__N||r.__)[0],n=r.t(t,e);me(t,n)||(r.__N=[n,r.__[1]],r.__c.setState({}))}],r.__c=N,!N.__f)){N.__f=!0;var i=N.shouldComponentUpdate;N.shouldComponentUpdate=function(e,t,n){var r=this.__H;if(!r)return!0;var a=!1,o=this.props!=e;if(r.__.some(function(e){e.__N&&(a=!0,me(e.__[0],e.__N[0])||(o=!0))}),i){var s=i.call(this,e,t,n);return a?s||o:s}return!a||o}}return r.__}function I(e,t){var n=we(de++,3);!P.__s&&Fe(n.__H,t)&&(n.__P=!0,n.__=e,n.u=t,N.__H.__h.push(n))}function L(e){return he=5,Ee(function(){return{current:e}},[])}function Ee(e,t){var n=we(de++,7);return Fe(n.__H,t)&&(n.__=e(),n.__H=t),n.__}function De(e,t){return he=8,Ee(function(){return e},t)}function Oe(e){var t=N.context[e.__c],n=we(de++,9);return n.c=e,t?(n.__??(n.__=!0,t.sub(N)),t.props.value):e.__}function ke(){var e;do{for(;e=_e.shift();)try{Ne(e)}catch(t){P.__e(t,{__:(e=e.__P)&&e.__v})}for(;e=ge.shift();){var t=e.__H;if(e.__P&&t)try{t.__h.some(Ne),t.__h.some(Pe),t.__h=[]}catch(n){t.__h=[],P.__e(n,e.__v)}}}while(_e.length)}P.__b=function(e){N=null,ve&&ve(e)},P.__=function(e,t){e&&t.__k&&t.__k.__m&&(e.__m=t.__k.__m),Ce&&Ce(e,t)},P.__r=function(e){ye&&ye(e),de=0;var t=(N=e.__c).__H;t&&(fe==N?N.__h=[]:(t.__h.some(Ne),t.__h.some(Pe),de=0),t.__h=[],t.__.some(function(e){e.__N&&(e.__=e.__N),e.u=e.__N=void 0})),fe=N},P.diffed=function(e){be&&be(e);var t=e.__c;t&&t.__H&&(t.__H.__h.length&&Me(ge.push(t)),t.__H.__.some(function(e){e.u&&(e.__H=e.u)})),fe=N=null},P.__c=function(e,t){t.some(function(e){try{e.__h.some(Ne),e.__h=e.__h.filter(function(e){return!e.__||Pe(e)})}catch(t){e.__h=[function(){throw t}]}}),xe&&xe(e,t)},P.unmount=function(e){Se&&Se(e);var t,n,r=e.__c;r&&r.__H&&(r.__H.__.some(function(r){try{if(r.__P&&r.__c){if(n===void 0){for(n=e.__;n&&(!n.__c||!n.__c.__P);)n=n.__;n&&=n.__c}r.__P=n,Me(_e.push(r))}else Ne(r)}catch(e){t=e}}),r.__H=void 0,t&&P.__e(t,r.__v))};var Ae=typeof requestAnimationFrame==`function`;function je(e){var t,n=function(){clearTimeout(r),Ae&&cancelAnimationFrame(t),setTimeout(e)},r=setTimeout(n,35);Ae&&(t=requestAnimationFrame(n))}function Me(e){e!=1&&pe==P.requestAnimationFrame||((pe=P.requestAnimationFrame)||je)(ke)}function Ne(e){var t=N,n=e.__c;typeof n==`function`&&(e.__c=void 0,n()),N=t}function Pe(e){var t=N;e.__c=e.__(),N=t}function Fe(e,t){return!e||e.length!=t.length||t.some(function(t,n){return!me(t,e[n])})}function Ie(e,t){return typeof t==`function`?t(e):t}function R(e){return e===null?`null`:Array.isArray(e)?`array`:typeof e}function Le(e){return R(e)===`object`}function Re(e){return Array.isArray(e)&&e.length>0&&e.every(e=>`message`in e)}function ze(e,t){return e.length<124?e:t}var z=(e=>(e[e.InternalServerError=4500]=`InternalServerError`,e[e.InternalClientError=4005]=`InternalClientError`,e[e.BadRequest=4400]=`BadRequest`,e[e.BadResponse=4004]=`BadResponse`,e[e.Unauthorized=4401]=`Unauthorized`,e[e.Forbidden=4403]=`Forbidden`,e[e.SubprotocolNotAcceptable=4406]=`SubprotocolNotAcceptable`,e[e.ConnectionInitialisationTimeout=4408]=`ConnectionInitialisationTimeout`,e[e.ConnectionAcknowledgementTimeout=4504]=`ConnectionAcknowledgementTimeout`,e[e.SubscriberAlreadyExists=4409]=`SubscriberAlreadyExists`,e[e.TooManyInitialisationRequests=4429]=`TooManyInitialisationRequests`,e))(z||{}),B=(e=>(e.ConnectionInit=`connection_init`,e.ConnectionAck=`connection_ack`,e.Ping=`ping`,e.Pong=`pong`,e.Subscribe=`subscribe`,e.Next=`next`,e.Error=`error`,e.Complete=`complete`,e))(B||{});function Be(e){if(!Le(e))throw Error(`Message is expected to be an object, but got ${R(e)}`);if(!e.type)throw Error(`Message is missing the 'type' property`);if(typeof e.type!=`string`)throw Error(`Message is expects the 'type' property to be a string, but got ${R(e.type)}`);switch(e.type){case`connection_init`:case`connection_ack`:case`ping`:case`pong`:if(e.payload!=null&&!Le(e.payload))throw Error(`"${e.type}" message expects the 'payload' property to be an object or nullish or missing, but got "${e.payload}"`);break;case`subscribe`:if(typeof e.id!=`string`)throw Error(`"${e.type}" message expects the 'id' property to be a string, but got ${R(e.id)}`);if(!e.id)throw Error(`"${e.type}" message requires a non-empty 'id' property`);if(!Le(e.payload))throw Error(`"${e.type}" message expects the 'payload' property to be an object, but got ${R(e.payload)}`);if(typeof e.payload.query!=`string`)throw Error(`"${e.type}" message payload expects the 'query' property to be a string, but got ${R(e.payload.query)}`);if(e.payload.variables!=null&&!Le(e.payload.variables))throw Error(`"${e.type}" message payload expects the 'variables' property to be a an object or nullish or missing, but got ${R(e.payload.variables)}`);if(e.payload.operationName!=null&&R(e.payload.operationName)!==`string`)throw Error(`"${e.type}" message payload expects the 'operationName' property to be a string or nullish or missing, but got ${R(e.payload.operationName)}`);if(e.payload.extensions!=null&&!Le(e.payload.extensions))throw Error(`"${e.type}" message payload expects the 'extensions' property to be a an object or nullish or missing, but got ${R(e.payload.extensions)}`);break;case`next`:if(typeof e.id!=`string`)throw Error(`"${e.type}" message expects the 'id' property to be a string, but got ${R(e.id)}`);if(!e.id)throw Error(`"${e.type}" message requires a non-empty 'id' property`);if(!Le(e.payload))throw Error(`"${e.type}" message expects the 'payload' property to be an object, but got ${R(e.payload)}`);break;case`error`:if(typeof e.id!=`string`)throw Error(`"${e.type}" message expects the 'id' property to be a string, but got ${R(e.id)}`);if(!e.id)throw Error(`"${e.type}" message requires a non-empty 'id' property`);if(!Re(e.payload))throw Error(`"${e.type}" message expects the 'payload' property to be an array of GraphQL errors, but got ${JSON.stringify(e.payload)}`);break;case`complete`:if(typeof e.id!=`string`)throw Error(`"${e.type}" message expects the 'id' property to be a string, but got ${R(e.id)}`);if(!e.id)throw Error(`"${e.type}" message requires a non-empty 'id' property`);break;default:throw Error(`Invalid message 'type' property "${e.type}"`)}return e}function Ve(e,t){return Be(typeof e==`string`?JSON.parse(e,t):e)}function He(e,t){return Be(e),JSON.stringify(e,t)}function Ue(e){let{url:t,connectionParams:n,lazy:r=!0,onNonLazyError:i=console.error,lazyCloseTimeout:a=0,keepAlive:o=0,disablePong:s,connectionAckWaitTimeout:c=0,retryAttempts:l=5,retryWait:u=async function(e){let t=2**e;await new Promise(e=>setTimeout(e,t*1e3+Math.floor(Math.random()*2700+300)))},shouldRetry:d=Ge,on:f,webSocketImpl:p,generateID:m=function(){return`xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`.replace(/[xy]/g,e=>{let t=Math.random()*16|0;return(e==`x`?t:t&3|8).toString(16)})},jsonMessageReplacer:h,jsonMessageReviver:g}=e,_;if(p){if(!qe(p))throw Error(`Invalid WebSocket implementation provided`);_=p}else typeof WebSocket<`u`?_=WebSocket:typeof global<`u`?_=global.WebSocket||global.MozWebSocket:typeof window<`u`&&(_=window.WebSocket||window.MozWebSocket);if(!_)throw Error("WebSocket implementation missing; on Node you can `import WebSocket from 'ws';` and pass `webSocketImpl: WebSocket` to `createClient`");let v=_,y=(()=>{let e=(()=>{let e={};return{on(t,n){return e[t]=n,()=>{delete e[t]}},emit(t){`id`in t&&e[t.id]?.(t)}}})(),t={connecting:f?.connecting?[f.connecting]:[],opened:f?.opened?[f.opened]:[],connected:f?.connected?[f.connected]:[],ping:f?.ping?[f.ping]:[],pong:f?.pong?[f.pong]:[],message:f?.message?[e.emit,f.message]:[e.emit],closed:f?.closed?[f.closed]:[],error:f?.error?[f.error]:[]};return{onMessage:e.on,on(e,n){let r=t[e];return r.push(n),()=>{let e=r.indexOf(n);e>-1&&r.splice(e,1)}},emit(e,...n){for(let r of[...t[e]])r(...n)}}})();function b(e){let t=[y.on(`error`,n=>{t.forEach(e=>e()),e(n)}),y.on(`closed`,n=>{t.forEach(e=>e()),e(n)})];return()=>t.forEach(e=>e())}let x,S=0,C,w=!1,T=0,E=!1;async function D(){clearTimeout(C);let[e,r]=await(x??=new Promise((e,r)=>(async()=>{if(w){if(await u(T),!S)return x=void 0,r({code:1e3,reason:`All Subscriptions Gone`});T++}y.emit(`connecting`,w);let i=new v(typeof t==`function`?await t():t,`graphql-transport-ws`),a,l;function d(){isFinite(o)&&o>0&&(clearTimeout(l),l=setTimeout(()=>{i.readyState===v.OPEN&&(i.send(He({type:B.Ping})),y.emit(`ping`,!1,void 0))},o))}b(e=>{x=void 0,clearTimeout(a),clearTimeout(l),r(e),e instanceof We&&(i.close(4499,`Terminated`),i.onerror=null,i.onclose=null)}),i.onerror=e=>y.emit(`error`,e),i.onclose=e=>y.emit(`closed`,e),i.onopen=async()=>{try{y.emit(`opened`,i);let e=typeof n==`function`?await n():n;if(i.readyState!==v.OPEN)return;i.send(He(e?{type:B.ConnectionInit,payload:e}:{type:B.ConnectionInit},h)),isFinite(c)&&c>0&&(a=setTimeout(()=>{i.close(z.ConnectionAcknowledgementTimeout,`Connection acknowledgement timeout`)},c)),d()}catch(e){y.emit(`error`,e),i.close(z.InternalClientError,ze(e instanceof Error?e.message:String(e),`Internal client error`))}};let f=!1;i.onmessage=({data:t})=>{try{let n=Ve(t,g);if(y.emit(`message`,n),n.type===`ping`||n.type===`pong`){y.emit(n.type,!0,n.payload),n.type===`pong`?d():s||(i.send(He(n.payload?{type:B.Pong,payload:n.payload}:{type:B.Pong},h)),y.emit(`pong`,!1,n.payload));return}if(f)return;if(n.type!==B.ConnectionAck)throw Error(`First message cannot be of type ${n.type}`);clearTimeout(a),f=!0,y.emit(`connected`,i,n.payload,w),w=!1,T=0;let r=new Promise((e,t)=>b(t));r.catch(()=>{}),e([i,r])}catch(e){i.onmessage=null,y.emit(`error`,e),i.close(z.BadResponse,ze(e instanceof Error?e.message:String(e),`Bad response`))}}})()));e.readyState===v.CLOSING&&await r;let i=()=>{},l=new Promise(e=>i=e);return[e,i,new Promise((t,n)=>{let i=b(n);e.readyState!==v.OPEN&&r.catch(n),l.then(()=>{if(i(),!S){let t=()=>e.close(1e3,`Normal Closure`);isFinite(a)&&a>0?(clearTimeout(C),C=setTimeout(()=>{!S&&e.readyState===v.OPEN&&t()},a)):t()}t()})})]}function O(e){if(Ge(e)&&(Ke(e.code)||[z.InternalServerError,z.InternalClientError,z.BadRequest,z.BadResponse,z.Unauthorized,z.SubprotocolNotAcceptable,z.SubscriberAlreadyExists,z.TooManyInitialisationRequests].includes(e.code)))throw e;if(E)return!1;if(Ge(e)&&e.code===1e3)return S>0;if(!l||T>=l||!d(e))throw e;return w=!0}r||(async()=>{for(S++;;)try{let[,,e]=await D();await e}catch(e){try{if(!O(e))return}catch(e){return i?.(e)}}})();function k(e,t){let n=m(e),r=!1,i=!1,a=()=>{S--,r=!0};return(async()=>{for(S++;;)try{let[o,s,c]=await D();if(r)return c.catch(()=>{}),s();let l=y.onMessage(n,e=>{switch(e.type){case B.Next:t.next(e.payload);return;case B.Error:i=!0,r=!0,t.error(e.payload),a();return;case B.Complete:r=!0,a();return}});o.send(He({id:n,type:B.Subscribe,payload:e},h)),a=()=>{!r&&o.readyState===v.OPEN&&o.send(He({id:n,type:B.Complete},h)),S--,r=!0,s()},await c.finally(l);return}catch(e){if(!O(e))return}})().then(()=>{i||t.complete()}).catch(e=>{t.error(e)}),()=>{r||a()}}return{on:y.on,subscribe:k,iterate(e){let t=[],n={done:!1,error:null,resolve:()=>{}},r=k(e,{next(e){t.push(e),n.resolve()},error(e){n.done=!0,n.error=e,n.resolve()},complete(){n.done=!0,n.resolve()}}),i=async function*(){for(;;){for(t.length||await new Promise(e=>n.resolve=e);t.length;)yield t.shift();if(n.error)throw n.error;if(n.done)return}}();return i.throw=async e=>(n.done||(n.done=!0,n.error=e,n.resolve()),{done:!0,value:void 0}),i.return=async()=>(r(),{done:!0,value:void 0}),i},async dispose(){if(E=!0,x){let[e]=await x;e.close(1e3,`Normal Closure`)}},terminate(){x&&y.emit(`closed`,new We)}}}var We=class extends Error{name=`TerminatedCloseEvent`;message=`4499: Terminated`;code=4499;reason=`Terminated`;wasClean=!1};function Ge(e){return Le(e)&&`code`in e&&`reason`in e}function Ke(e){return![1e3,1001,1006,1005,1012,1013,1014].includes(e)&&e>=1e3&&e<=1999}function qe(e){return typeof e==`function`&&`constructor`in e&&`CLOSED`in e&&`CLOSING`in e&&`CONNECTING`in e&&`OPEN`in e}var Je=`/graphql`,Ye=4403,V=class extends Error{kind;code;constructor(e,t,n){super(t),this.kind=e,this.code=n,this.name=`ApiError`}};function Xe(e){let t=e[0],n=t?.extensions?.code;return n===`UNAUTHENTICATED`?new V(`unauthorized`,t?.message??``,n):new V(`graphql`,e.map(e=>e.message).join(`
`),n)}function Ze(e,t,n){if(e instanceof File)return n.set(t,e),null;if(Array.isArray(e))return e.map((e,r)=>Ze(e,`${t}.${r}`,n));if(typeof e==`object`&&e){let r=Object.entries(e).map(([e,r])=>[e,Ze(r,`${t}.${e}`,n)]);return Object.fromEntries(r)}return e}var Qe=class{token;onUnauthorized;socket=null;constructor(e,t){this.token=e,this.onUnauthorized=t}async request(e,...[t]){let n=JSON.stringify({query:e.toString(),variables:t??{}});return this.send(n,{"Content-Type":`application/json`})}async upload(e,t){let n=new Map,r={query:e.toString(),variables:Ze(t,`variables`,n)},i=new FormData;i.append(`operations`,JSON.stringify(r));let a=[...n.keys()];return i.append(`map`,JSON.stringify(Object.fromEntries(a.map((e,t)=>[t,[e]])))),a.forEach((e,t)=>i.append(String(t),n.get(e))),this.send(i,{"Apollo-Require-Preflight":`true`})}subscribe(e,t,n){return this.webSocket().subscribe({query:e.toString(),variables:t},{next:e=>{e.errors?.length?n.error?.(Xe([...e.errors])):e.data&&n.next(e.data)},error:e=>n.error?.(this.socketError(e)),complete:()=>n.complete?.()})}dispose(){this.socket?.dispose(),this.socket=null}async send(e,t){let n;try{n=await fetch(Je,{method:`POST`,headers:{...t,Accept:`application/json`,Authorization:`Bearer ${this.token}`},body:e})}catch(e){throw new V(`network`,String(e))}if(n.status===401)throw this.unauthorized();let r=await n.json().catch(()=>({}));if(r.errors?.length){let e=Xe(r.errors);throw e.kind===`unauthorized`?this.unauthorized():e}if(!n.ok||r.data==null)throw new V(`server`,`${n.status} ${n.statusText}`.trim());return r.data}unauthorized(){return this.onUnauthorized(),new V(`unauthorized`,`The token was refused.`,`UNAUTHENTICATED`)}socketError(e){return e instanceof CloseEvent&&e.code===Ye?this.unauthorized():e instanceof CloseEvent?new V(`network`,`WebSocket closed (${e.code})`):Array.isArray(e)?Xe(e):new V(`network`,String(e))}webSocket(){if(this.socket===null){let e=new URL(Je,window.location.href);e.protocol=e.protocol===`https:`?`wss:`:`ws:`,this.socket=Ue({url:e.href,connectionParams:{Authorization:`Bearer ${this.token}`},shouldRetry:e=>!(e instanceof CloseEvent&&e.code===Ye)})}return this.socket}},$e=M(null);function H(){let e=Oe($e);if(e===null)throw Error(`useClient outside the signed-in shell`);return e}function et(e){return e instanceof V?e:new V(`server`,String(e))}function U(e,...[t]){let n=H(),[r,i]=F({status:`loading`}),[a,o]=F(0),s=JSON.stringify(t??{}),c=L({key:s,round:0});c.current.key=s,I(()=>{let r=!0,o=()=>r&&c.current.key===s&&c.current.round===a;i(e=>({status:`loading`,...e.data?{data:e.data}:{}}));let l=t===void 0?[]:[t];return n.request(e,...l).then(e=>o()&&i({status:`done`,data:e}),e=>o()&&i({status:`error`,error:et(e)})),()=>{r=!1}},[n,e,s,a]);let l=De(()=>{c.current.round+=1,o(c.current.round)},[]);return{...r,reload:l}}function W(e){let t=H(),[n,r]=F({status:`idle`});return[De(async(...n)=>{r({status:`loading`});try{let i=await t.request(e,...n);return r({status:`done`,data:i}),i}catch(e){throw r({status:`error`,error:et(e)}),e}},[t,e]),n]}function tt(e,t,n=!0){let r=H(),[i,a]=F({status:`loading`,completed:!1}),o=L(void 0);return I(()=>{if(n)return o.current=void 0,a({status:`loading`,completed:!1}),r.subscribe(e,t,{next:e=>{o.current=e,a({status:`done`,data:e,completed:!1})},error:e=>a({status:`error`,error:e,completed:!0}),complete:()=>a(e=>({...e,completed:!0}))})},[r,e,JSON.stringify(t),n]),i}var nt=`listkeeper.token`;function rt(){return sessionStorage.getItem(nt)}function it(e){sessionStorage.setItem(nt,e)}function at(){sessionStorage.removeItem(nt)}var ot=[`en`,`fr`];function st(e){return e}var ct=`listkeeper.locale`;function lt(e){return ot.includes(e)}function ut(){let e=localStorage.getItem(ct);if(lt(e))return e;for(let e of navigator.languages??[navigator.language]){let t=e.toLowerCase().split(`-`)[0];if(lt(t))return t}return`en`}function dt(e){localStorage.setItem(ct,e)}var ft=M(`en`);function pt(){return Oe(ft)}function G(e){return e[pt()]}var K=class extends String{__apiType;value;__meta__;constructor(e,t){super(e),this.value=e,this.__meta__=t}toString(){return this.value}},mt=new K(`
    query AppShell {
  viewer {
    id
    name
    timeZone
  }
}
    `),ht=new K(`
    query BackupsPage($first: Int = 20, $after: String, $last: Int, $before: String, $timeZone: String) {
  viewer {
    id
    timeZone
  }
  backupOverview(
    first: $first
    after: $after
    last: $last
    before: $before
    timeZone: $timeZone
  ) {
    totalCount
    pageInfo {
      ...PageInfoFields
    }
    edges {
      cursor
      node {
        id
        groupId
        groupName
        backupCount
        latestBackupAt
        timeZone
        group {
          id
          name
          recipientCount
        }
        dayConnection(first: 7) {
          totalCount
          pageInfo {
            ...PageInfoFields
          }
          edges {
            node {
              ...BackupDayFields
            }
          }
        }
      }
    }
  }
}
    fragment BackupDayFields on BackupDay {
  id
  date
  backups {
    ...BackupFields
    job {
      id
      kind
      fileName
    }
  }
}
fragment PageInfoFields on PageInfo {
  hasNextPage
  hasPreviousPage
  startCursor
  endCursor
}
fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}`),gt=new K(`
    query GroupBackupDays($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {
  node(id: $id) {
    ... on GroupBackups {
      id
      dayConnection(first: $first, after: $after, last: $last, before: $before) {
        totalCount
        pageInfo {
          ...PageInfoFields
        }
        edges {
          node {
            ...BackupDayFields
          }
        }
      }
    }
  }
}
    fragment BackupDayFields on BackupDay {
  id
  date
  backups {
    ...BackupFields
    job {
      id
      kind
      fileName
    }
  }
}
fragment PageInfoFields on PageInfo {
  hasNextPage
  hasPreviousPage
  startCursor
  endCursor
}
fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}`),_t=new K(`
    query BackupDownload($backupId: ID!) {
  node(id: $backupId) {
    ... on Backup {
      id
      downloadUrl
      downloadUrlExpiresAt
    }
  }
}
    `),vt=new K(`
    query GroupList($first: Int = 50, $after: String, $last: Int, $before: String) {
  viewer {
    id
    timeZone
  }
  groups(first: $first, after: $after, last: $last, before: $before) {
    totalCount
    pageInfo {
      ...PageInfoFields
    }
    edges {
      cursor
      node {
        ...GroupListItem
      }
    }
  }
}
    fragment PageInfoFields on PageInfo {
  hasNextPage
  hasPreviousPage
  startCursor
  endCursor
}
fragment GroupListItem on Group {
  id
  name
  createdAt
  recipientCount
  backupsEnabled
  backupsActive
}`),yt=new K(`
    query GroupRecipients($groupId: ID!, $first: Int = 50, $after: String, $search: String, $status: RecipientStatus, $last: Int, $before: String) {
  viewer {
    id
    timeZone
  }
  node(id: $groupId) {
    ... on Group {
      ...GroupListItem
      recipients(
        first: $first
        after: $after
        last: $last
        before: $before
        search: $search
        status: $status
      ) {
        totalCount
        pageInfo {
          ...PageInfoFields
        }
        edges {
          cursor
          node {
            id
            email
            firstName
            lastName
            status
            createdAt
            updatedAt
            attributes {
              name
              value
            }
          }
        }
      }
    }
  }
}
    fragment PageInfoFields on PageInfo {
  hasNextPage
  hasPreviousPage
  startCursor
  endCursor
}
fragment GroupListItem on Group {
  id
  name
  createdAt
  recipientCount
  backupsEnabled
  backupsActive
}`),bt=new K(`
    mutation CreateGroup($name: String!) {
  createGroup(input: {name: $name}) {
    group {
      ...GroupListItem
    }
    userErrors {
      ...UserErrorFields
    }
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}
fragment GroupListItem on Group {
  id
  name
  createdAt
  recipientCount
  backupsEnabled
  backupsActive
}`),xt=new K(`
    mutation RenameGroup($groupId: ID!, $name: String!) {
  renameGroup(input: {groupId: $groupId, name: $name}) {
    group {
      id
      name
    }
    userErrors {
      ...UserErrorFields
    }
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}`),St=new K(`
    mutation SetRecipientStatus($recipientId: ID!, $status: RecipientStatus!, $resubscribe: Boolean = false) {
  setRecipientStatus(
    input: {recipientId: $recipientId, status: $status, resubscribe: $resubscribe}
  ) {
    ...RecipientWriteResult
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}
fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}
fragment RecipientWriteResult on RecipientWritePayload {
  recipient {
    id
    email
    firstName
    lastName
    status
    updatedAt
    attributes {
      name
      value
    }
  }
  backup {
    ...BackupFields
  }
  userErrors {
    ...UserErrorFields
  }
}`),Ct=new K(`
    query ImportJobStatus($id: ID!, $rowErrors: Int = 100) {
  importJob(id: $id) {
    ...ImportJobFields
    rejectedRowsUrl
    rejectedRowsUrlExpiresAt
    rowErrors(first: $rowErrors) {
      row
      column
      message
      code
    }
  }
}
    fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}
fragment ImportJobFields on ImportJob {
  id
  kind
  status
  mode
  restoreStrategy
  totalRows
  processedRows
  added
  updated
  unchanged
  skipped
  removed
  rejected
  error
  createdAt
  finishedAt
  group {
    id
    name
    recipientCount
  }
  backup {
    ...BackupFields
  }
  sourceBackup {
    ...BackupFields
  }
}`),wt=new K(`
    subscription ImportJobProgress($id: ID!) {
  importJob(id: $id) {
    ...ImportJobFields
  }
}
    fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}
fragment ImportJobFields on ImportJob {
  id
  kind
  status
  mode
  restoreStrategy
  totalRows
  processedRows
  added
  updated
  unchanged
  skipped
  removed
  rejected
  error
  createdAt
  finishedAt
  group {
    id
    name
    recipientCount
  }
  backup {
    ...BackupFields
  }
  sourceBackup {
    ...BackupFields
  }
}`),Tt=new K(`
    mutation CancelJob($jobId: ID!) {
  cancelJob(input: {jobId: $jobId}) {
    job {
      ...ImportJobFields
    }
    userErrors {
      ...UserErrorFields
    }
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}
fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}
fragment ImportJobFields on ImportJob {
  id
  kind
  status
  mode
  restoreStrategy
  totalRows
  processedRows
  added
  updated
  unchanged
  skipped
  removed
  rejected
  error
  createdAt
  finishedAt
  group {
    id
    name
    recipientCount
  }
  backup {
    ...BackupFields
  }
  sourceBackup {
    ...BackupFields
  }
}`),Et=new K(`
    mutation StageFile($file: Upload!) {
  stageFile(input: {file: $file}) {
    stagedFile {
      id
      fileName
      sizeBytes
      encoding
      delimiter
      rowEstimate
      expiresAt
      columns {
        index
        header
        suggestedField
        samples
      }
    }
    userErrors {
      ...UserErrorFields
    }
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}`),Dt=new K(`
    mutation ImportStagedFile($stagedFileId: ID!, $groupId: ID, $groupName: String, $mode: ImportMode! = ADD, $fieldMapping: [FieldMappingInput!]) {
  importRecipients(
    input: {stagedFileId: $stagedFileId, groupId: $groupId, groupName: $groupName, mode: $mode, fieldMapping: $fieldMapping}
  ) {
    job {
      ...ImportJobFields
    }
    userErrors {
      ...UserErrorFields
    }
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}
fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}
fragment ImportJobFields on ImportJob {
  id
  kind
  status
  mode
  restoreStrategy
  totalRows
  processedRows
  added
  updated
  unchanged
  skipped
  removed
  rejected
  error
  createdAt
  finishedAt
  group {
    id
    name
    recipientCount
  }
  backup {
    ...BackupFields
  }
  sourceBackup {
    ...BackupFields
  }
}`),Ot=new K(`
    mutation PreviewImport($stagedFileId: ID!, $groupId: ID, $groupName: String, $mode: ImportMode! = ADD, $fieldMapping: [FieldMappingInput!], $first: Int = 20, $after: String, $kind: RecipientChangeKind, $errorsAfter: String) {
  previewImport(
    input: {stagedFileId: $stagedFileId, groupId: $groupId, groupName: $groupName, mode: $mode, fieldMapping: $fieldMapping}
  ) {
    preview {
      added
      updated
      unchanged
      skipped
      rejected
      statusKept
      removed
      changes(first: $first, after: $after, kind: $kind) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          node {
            email
            kind
            statusKept
            before {
              email
              firstName
              lastName
              status
              attributes
            }
            after {
              email
              firstName
              lastName
              status
              attributes
            }
          }
        }
      }
      rowErrors(first: $first, after: $errorsAfter) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          node {
            row
            column
            code
            message
          }
        }
      }
    }
    userErrors {
      ...UserErrorFields
    }
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}`),kt=new K(`
    query ImportWizardResult($id: ID!, $rowErrors: Int = 20) {
  importJob(id: $id) {
    ...ImportJobFields
    fileName
    statusKept
    rejectedRowsUrl
    rejectedRowsUrlExpiresAt
    rowErrors(first: $rowErrors) {
      row
      column
      message
      code
    }
  }
}
    fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}
fragment ImportJobFields on ImportJob {
  id
  kind
  status
  mode
  restoreStrategy
  totalRows
  processedRows
  added
  updated
  unchanged
  skipped
  removed
  rejected
  error
  createdAt
  finishedAt
  group {
    id
    name
    recipientCount
  }
  backup {
    ...BackupFields
  }
  sourceBackup {
    ...BackupFields
  }
}`),At=new K(`
    query JobHistory($first: Int = 20, $after: String, $groupId: ID, $kind: JobKind, $status: JobStatus, $last: Int, $before: String) {
  viewer {
    id
    timeZone
  }
  jobs(
    first: $first
    after: $after
    last: $last
    before: $before
    groupId: $groupId
    kind: $kind
    status: $status
  ) {
    totalCount
    pageInfo {
      ...PageInfoFields
    }
    edges {
      cursor
      node {
        ...JobHistoryFields
      }
    }
  }
}
    fragment PageInfoFields on PageInfo {
  hasNextPage
  hasPreviousPage
  startCursor
  endCursor
}
fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}
fragment ImportJobFields on ImportJob {
  id
  kind
  status
  mode
  restoreStrategy
  totalRows
  processedRows
  added
  updated
  unchanged
  skipped
  removed
  rejected
  error
  createdAt
  finishedAt
  group {
    id
    name
    recipientCount
  }
  backup {
    ...BackupFields
  }
  sourceBackup {
    ...BackupFields
  }
}
fragment JobHistoryFields on ImportJob {
  ...ImportJobFields
  fileName
  sizeBytes
  startedBy
  statusKept
  rejectedRowsUrl
}`),jt=new K(`
    mutation RestoreBackup($input: RestoreBackupInput!) {
  restoreBackup(input: $input) {
    job {
      ...ImportJobFields
    }
    userErrors {
      ...UserErrorFields
    }
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}
fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}
fragment ImportJobFields on ImportJob {
  id
  kind
  status
  mode
  restoreStrategy
  totalRows
  processedRows
  added
  updated
  unchanged
  skipped
  removed
  rejected
  error
  createdAt
  finishedAt
  group {
    id
    name
    recipientCount
  }
  backup {
    ...BackupFields
  }
  sourceBackup {
    ...BackupFields
  }
}`),Mt=new K(`
    mutation DeleteGroup($groupId: ID!) {
  deleteGroup(input: {groupId: $groupId}) {
    deletedGroupId
    backup {
      ...BackupFields
    }
    userErrors {
      ...UserErrorFields
    }
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}
fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}`),Nt=new K(`
    query BackupComparison($backupId: ID!, $first: Int = 50, $after: String) {
  node(id: $backupId) {
    ... on Backup {
      id
      groupName
      createdAt
      comparison {
        unchanged
        changed
        added
        removed
        differences(first: $first, after: $after) {
          totalCount
          pageInfo {
            hasNextPage
            endCursor
          }
          edges {
            node {
              email
              kind
            }
          }
        }
      }
    }
  }
}
    `),Pt=new K(`
    query GroupAsOf($groupId: ID!, $asOf: DateTime!, $first: Int = 50, $after: String) {
  node(id: $groupId) {
    ... on Group {
      id
      name
      downloadUrl(asOf: $asOf)
      comparison(asOf: $asOf) {
        unchanged
        changed
        added
        removed
        differences(first: $first, after: $after) {
          totalCount
          pageInfo {
            hasNextPage
            endCursor
          }
          edges {
            node {
              email
              kind
            }
          }
        }
      }
    }
  }
}
    `),Ft=new K(`
    query Settings($first: Int = 50, $after: String) {
  viewer {
    id
    name
    backupsEnabled
    backupRetentionDays
    timeZone
    apiBackupWindowMinutes
  }
  groups(first: $first, after: $after) {
    totalCount
    pageInfo {
      ...PageInfoFields
    }
    edges {
      node {
        id
        name
        backupsEnabled
        backupsActive
      }
    }
  }
}
    fragment PageInfoFields on PageInfo {
  hasNextPage
  hasPreviousPage
  startCursor
  endCursor
}`),It=new K(`
    mutation UpdateAccountSettings($retentionDays: Int, $timeZone: String, $apiBackupWindowMinutes: Int) {
  updateAccountSettings(
    input: {retentionDays: $retentionDays, timeZone: $timeZone, apiBackupWindowMinutes: $apiBackupWindowMinutes}
  ) {
    account {
      id
      backupRetentionDays
      timeZone
      apiBackupWindowMinutes
    }
    backupsToRemove
    userErrors {
      ...UserErrorFields
    }
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}`),Lt=new K(`
    mutation SetAccountBackupsEnabled($enabled: Boolean!) {
  setBackupEnabled(input: {enabled: $enabled}) {
    account {
      id
      backupsEnabled
    }
    userErrors {
      ...UserErrorFields
    }
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}`),Rt=new K(`
    mutation SetGroupBackupsEnabled($groupId: ID!, $enabled: Boolean!) {
  setBackupEnabled(input: {enabled: $enabled, groupId: $groupId}) {
    group {
      id
      backupsEnabled
      backupsActive
    }
    userErrors {
      ...UserErrorFields
    }
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}`),zt=new K(`
    query ApiTokens {
  viewer {
    id
    tokens {
      ...ApiTokenFields
    }
  }
}
    fragment ApiTokenFields on ApiToken {
  id
  name
  createdAt
  expiresAt
  lastUsedAt
  current
}`),Bt=new K(`
    mutation CreateApiToken($name: String!, $expiresAt: DateTime) {
  createToken(input: {name: $name, expiresAt: $expiresAt}) {
    token {
      ...ApiTokenFields
    }
    secret
    userErrors {
      ...UserErrorFields
    }
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}
fragment ApiTokenFields on ApiToken {
  id
  name
  createdAt
  expiresAt
  lastUsedAt
  current
}`),Vt=new K(`
    mutation RevokeApiToken($tokenId: ID!) {
  revokeToken(input: {tokenId: $tokenId}) {
    revokedTokenId
    userErrors {
      ...UserErrorFields
    }
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}`),Ht=new K(`
    query OldestBackups($last: Int!, $before: String) {
  backups(last: $last, before: $before) {
    totalCount
    pageInfo {
      hasPreviousPage
      startCursor
    }
    edges {
      node {
        id
        createdAt
      }
    }
  }
}
    `),Ut=Symbol.for(`pv`),Wt=0;Array.isArray;function q(t,n,r,i,a,o){n||={};var s,c,l=n;if(`ref`in l&&typeof t!=`function`)for(c in l={},n)c==`ref`?s=n[c]:l[c]=n[c];var u={type:t,props:l,key:r,ref:s,__k:null,__:null,__b:0,__e:null,__c:null,constructor:Ut,__v:--Wt,__i:-1,__u:0};return(a||o)&&(u.__source=a,u.__self=o),e.vnode&&e.vnode(u),u}function Gt({children:e}){return q(`h1`,{id:`screen-title`,tabIndex:-1,children:e})}var Kt=st({en:{appName:`listkeeper`,skipToContent:`Skip to content`,navigation:`Main`,language:`Language`,signOut:`Sign out`,account:e=>`Account: ${e}`,notFoundTitle:`Page not found`,notFoundText:`There is no page at this address.`,notFoundLink:`Go to the backups`,tokenTitle:`Sign in with an API token`,tokenIntro:`Paste an API token of your account (listkeeper create-token gives one). It is kept in this tab only, until you close it.`,tokenLabel:`API token`,tokenSubmit:`Sign in`,tokenChecking:`Checking the token…`,tokenEmpty:`Paste a token first.`,tokenRefused:`This token was refused: it may be mistyped, expired or revoked.`,tokenExpired:`Your token has expired or was revoked. Paste a valid token to continue.`,signedOut:`You are signed out.`},fr:{appName:`listkeeper`,skipToContent:`Aller au contenu`,navigation:`Principale`,language:`Langue`,signOut:`Se déconnecter`,account:e=>`Compte : ${e}`,notFoundTitle:`Page introuvable`,notFoundText:`Il n’y a pas de page à cette adresse.`,notFoundLink:`Aller aux sauvegardes`,tokenTitle:`Se connecter avec un jeton d’API`,tokenIntro:`Collez un jeton d’API de votre compte (listkeeper create-token en donne un). Il n’est gardé que dans cet onglet, jusqu’à sa fermeture.`,tokenLabel:`Jeton d’API`,tokenSubmit:`Se connecter`,tokenChecking:`Vérification du jeton…`,tokenEmpty:`Collez d’abord un jeton.`,tokenRefused:`Ce jeton a été refusé : il est peut-être mal copié, expiré ou révoqué.`,tokenExpired:`Votre jeton a expiré ou a été révoqué. Collez un jeton valide pour continuer.`,signedOut:`Vous êtes déconnecté.`}}),qt={en:`English`,fr:`Français`};function Jt({onChange:e}){let t=G(Kt),n=pt();return q(`label`,{class:`language-switch`,children:[q(`span`,{children:t.language}),q(`select`,{value:n,onChange:t=>e(t.currentTarget.value),children:ot.map(e=>q(`option`,{value:e,lang:e,children:qt[e]},e))})]})}function Yt(){return window.location.hash.replace(/^#\/?/,``).split(`/`).filter(e=>e!==``).map(decodeURIComponent)}function J(...e){return`#/`+e.map(encodeURIComponent).join(`/`)}function Xt(...e){window.location.hash=J(...e)}function Zt(){let[e,t]=F(Yt);return I(()=>{let e=()=>t(Yt());return window.addEventListener(`hashchange`,e),()=>window.removeEventListener(`hashchange`,e)},[]),e}var Qt=st({en:{loading:`Loading…`,retry:`Try again`,errorTitle:`Something went wrong`,networkError:`The server could not be reached. Check your connection, then try again.`,serverError:`The server could not answer this request.`,unauthorized:`Your token was refused.`},fr:{loading:`Chargement…`,retry:`Réessayer`,errorTitle:`Une erreur est survenue`,networkError:`Le serveur est injoignable. Vérifiez votre connexion, puis réessayez.`,serverError:`Le serveur n’a pas pu répondre à cette demande.`,unauthorized:`Votre jeton a été refusé.`}});function $t({label:e}){let t=G(Qt);return q(`p`,{class:`state state-loading`,role:`status`,"aria-live":`polite`,children:[q(`span`,{class:`spinner`,"aria-hidden":`true`}),e??t.loading]})}function en({title:e,children:t}){return q(`div`,{class:`state state-empty`,children:[q(`p`,{class:`state-title`,children:e}),t]})}function Y({error:e,onRetry:t}){let n=G(Qt),r={network:n.networkError,server:n.serverError,unauthorized:n.unauthorized,graphql:e.message}[e.kind];return q(`div`,{class:`state state-error`,role:`alert`,children:[q(`p`,{class:`state-title`,children:n.errorTitle}),q(`p`,{children:r}),t&&q(`button`,{type:`button`,onClick:t,children:n.retry})]})}function tn({state:e,children:t}){return e.status===`error`?q(Y,{error:e.error,onRetry:e.reload}):e.status===`loading`&&e.data===void 0?q($t,{}):q(b,{children:t(e.data)})}var nn={en:`en-GB`,fr:`fr-FR`};function rn(e){return nn[e]}function an(e,t,n){return new Intl.DateTimeFormat(rn(e),{dateStyle:`medium`,timeStyle:`short`,...n?{timeZone:n}:{}}).format(new Date(t))}function on(e,t){let[n,r,i]=t.split(`-`).map(Number),a=new Date(Date.UTC(n??1970,(r??1)-1,i??1,12));return new Intl.DateTimeFormat(rn(e),{dateStyle:`full`,timeZone:`UTC`}).format(a)}function sn(e,t){return new Intl.NumberFormat(rn(e)).format(t)}function X(){let e=pt();return{dateTime:(t,n)=>an(e,t,n),day:t=>on(e,t),number:t=>sn(e,t)}}var cn=(e,t,n)=>e===1?t:n,ln=(e,t,n)=>e<=1?t:n,Z=st({en:{title:`Backups`,intro:e=>`Every import, restore and group deletion backs the group up first. Days and times are in ${e}.`,empty:`No backups yet. Imports, restores and group deletions make one automatically.`,emptyLink:`Import a file`,groupsPages:`Pages of groups`,previousGroups:`Previous groups`,nextGroups:`Next groups`,deleted:`deleted`,groupSummary:(e,t)=>`${e} ${cn(e,`backup`,`backups`)}`+(t===null?``:` · ${t} ${cn(t,`recipient`,`recipients`)} now`),moreDays:`Earlier days`,reasonImport:e=>`Before the import of ${e}`,reasonImportUnnamed:`Before an import`,reasonRestore:`Before a restore`,reasonDeletion:`Before deletion`,reasonApi:`Before changes through the API`,keptUntil:e=>`Kept until ${e}`,recipients:(e,t)=>`${e} ${cn(t,`recipient`,`recipients`)}`,backupActions:`Actions`,download:`Download`,downloading:`Preparing the download…`,downloadLink:`Download the CSV file`,downloadHint:e=>`If it did not start, use this link (valid until ${e}).`,compare:`Compare with now`,hideCompare:`Hide the comparison`,restore:`Restore…`,closeRestore:`Close the restore`,comparisonTitle:`Compared with the group now`,comparisonGone:`The group is deleted: there is nothing to compare with.`,unchanged:`Unchanged`,changed:`Changed since`,added:`Added since`,removed:`Removed since`,differences:(e,t)=>`Differing addresses (${e} of ${t})`,noDifferences:`No address differs: the group is as it was.`,kindADDED:`added since`,kindREMOVED:`removed since`,kindCHANGED:`changed since`,showMore:`Show more addresses`,restoreTitle:`Restore`,restoreTarget:`Restore into`,targetNew:`A new group`,targetNewName:`Name of the new group`,restoredName:e=>`${e} (restored)`,targetReplace:e=>`Back into “${e}”, replacing its recipients`,targetReplaceGone:`Back into the group (not possible: the group is deleted)`,review:`Review the restore`,confirmTitle:`Confirm the restore`,confirmNew:(e,t)=>`A new group “${e}” will be created with ${t} recipients. The current group is left as it is.`,confirmReplace:e=>`“${e}” will be made exactly as it was. This undoes every change since:`,undoAdded:e=>`${e} ${cn(e,`recipient`,`recipients`)} added since will be removed`,undoChanged:e=>`${e} changed ${cn(e,`recipient gets its`,`recipients get their`)} earlier data back`,undoRemoved:e=>`${e} removed ${cn(e,`recipient comes`,`recipients come`)} back`,nothingToUndo:`Nothing has changed since: the restore changes no recipient.`,replaceBackup:`The group is backed up first, so this restore can be undone too.`,confirmRestore:`Restore now`,back:`Back`,jobQUEUED:`Waiting to start…`,jobRUNNING:`Restoring…`,jobCANCELLING:`Stopping…`,jobSUCCEEDED:`Restored`,jobFAILED:`The restore failed`,jobCANCELLED:`The restore was cancelled`,progressLabel:`Restore progress`,progressRows:(e,t)=>`${e} of ${t} recipients`,resultCounts:(e,t,n,r)=>`${e} added, ${t} updated, ${n} removed, ${r} unchanged.`,resultGroup:(e,t)=>`“${e}” now has ${t} recipients.`,openGroup:`Open the group`,madeBackup:`A backup of the group was made before the restore.`,momentToggle:`Restore to a moment…`,momentClose:`Close`,momentTitle:e=>`Restore “${e}” to a moment`,momentHelp:e=>`Pick a moment of the retention period (${e}). The group is compared with how it was then.`,momentDate:`Date`,momentTime:`Time`,momentShow:`Compare with this moment`,momentMissing:`Pick a date and a time.`,momentDownload:`Download the group as it was then (CSV)`},fr:{title:`Sauvegardes`,intro:e=>`Chaque import, restauration et suppression de groupe sauvegarde d’abord le groupe. Les jours et heures sont en ${e}.`,empty:`Aucune sauvegarde pour l’instant. Les imports, restaurations et suppressions de groupe en créent une automatiquement.`,emptyLink:`Importer un fichier`,groupsPages:`Pages de groupes`,previousGroups:`Groupes précédents`,nextGroups:`Groupes suivants`,deleted:`supprimé`,groupSummary:(e,t)=>`${e} ${ln(e,`sauvegarde`,`sauvegardes`)}`+(t===null?``:` · ${t} ${ln(t,`destinataire`,`destinataires`)} aujourd’hui`),moreDays:`Jours précédents`,reasonImport:e=>`Avant l’import de ${e}`,reasonImportUnnamed:`Avant un import`,reasonRestore:`Avant une restauration`,reasonDeletion:`Avant la suppression`,reasonApi:`Avant des modifications par l’API`,keptUntil:e=>`Conservée jusqu’au ${e}`,recipients:(e,t)=>`${e} ${ln(t,`destinataire`,`destinataires`)}`,backupActions:`Actions`,download:`Télécharger`,downloading:`Préparation du téléchargement…`,downloadLink:`Télécharger le fichier CSV`,downloadHint:e=>`S’il n’a pas démarré, utilisez ce lien (valable jusqu’à ${e}).`,compare:`Comparer avec maintenant`,hideCompare:`Masquer la comparaison`,restore:`Restaurer…`,closeRestore:`Fermer la restauration`,comparisonTitle:`Comparée au groupe actuel`,comparisonGone:`Le groupe est supprimé : il n’y a rien à comparer.`,unchanged:`Inchangés`,changed:`Modifiés depuis`,added:`Ajoutés depuis`,removed:`Retirés depuis`,differences:(e,t)=>`Adresses différentes (${e} sur ${t})`,noDifferences:`Aucune adresse ne diffère : le groupe est tel qu’il était.`,kindADDED:`ajoutée depuis`,kindREMOVED:`retirée depuis`,kindCHANGED:`modifiée depuis`,showMore:`Afficher plus d’adresses`,restoreTitle:`Restaurer`,restoreTarget:`Restaurer dans`,targetNew:`Un nouveau groupe`,targetNewName:`Nom du nouveau groupe`,restoredName:e=>`${e} (restauré)`,targetReplace:e=>`Dans « ${e} », en remplaçant ses destinataires`,targetReplaceGone:`Dans le groupe (impossible : le groupe est supprimé)`,review:`Vérifier la restauration`,confirmTitle:`Confirmer la restauration`,confirmNew:(e,t)=>`Un nouveau groupe « ${e} » sera créé avec ${t} destinataires. Le groupe actuel reste tel quel.`,confirmReplace:e=>`« ${e} » redeviendra exactement tel qu’il était. Cela annule toutes les modifications depuis :`,undoAdded:e=>`${e} ${ln(e,`destinataire ajouté depuis sera retiré`,`destinataires ajoutés depuis seront retirés`)}`,undoChanged:e=>`${e} ${ln(e,`destinataire modifié retrouve ses`,`destinataires modifiés retrouvent leurs`)} données d’avant`,undoRemoved:e=>`${e} ${ln(e,`destinataire retiré revient`,`destinataires retirés reviennent`)}`,nothingToUndo:`Rien n’a changé depuis : la restauration ne modifie aucun destinataire.`,replaceBackup:`Le groupe est d’abord sauvegardé : cette restauration peut elle aussi être annulée.`,confirmRestore:`Restaurer maintenant`,back:`Retour`,jobQUEUED:`En attente de démarrage…`,jobRUNNING:`Restauration en cours…`,jobCANCELLING:`Arrêt en cours…`,jobSUCCEEDED:`Restauré`,jobFAILED:`La restauration a échoué`,jobCANCELLED:`La restauration a été annulée`,progressLabel:`Progression de la restauration`,progressRows:(e,t)=>`${e} destinataires sur ${t}`,resultCounts:(e,t,n,r)=>`${e} ajoutés, ${t} mis à jour, ${n} retirés, ${r} inchangés.`,resultGroup:(e,t)=>`« ${e} » compte maintenant ${t} destinataires.`,openGroup:`Ouvrir le groupe`,madeBackup:`Une sauvegarde du groupe a été faite avant la restauration.`,momentToggle:`Restaurer à un instant…`,momentClose:`Fermer`,momentTitle:e=>`Restaurer « ${e} » à un instant`,momentHelp:e=>`Choisissez un instant de la période de conservation (${e}). Le groupe est comparé à ce qu’il était alors.`,momentDate:`Date`,momentTime:`Heure`,momentShow:`Comparer avec cet instant`,momentMissing:`Choisissez une date et une heure.`,momentDownload:`Télécharger le groupe tel qu’il était alors (CSV)`}});function un({comparison:e}){let t=G(Z),n=X();return q(`dl`,{class:`backup-counts`,children:[[t.unchanged,e.unchanged],[t.changed,e.changed],[t.added,e.added],[t.removed,e.removed]].map(([e,t])=>q(`div`,{children:[q(`dt`,{children:e}),q(`dd`,{children:n.number(t)})]},e))})}function dn({comparison:e,loadMore:t,headingLevel:n=4}){let r=G(Z),[i,a]=F([]),[o,s]=F(e.differences.pageInfo),[c,l]=F(!1),[u,d]=F(null),f=[...e.differences.edges.map(e=>e.node),...i],p=e.differences.totalCount,m=`h${n}`;async function h(){if(o.endCursor!==null){l(!0),d(null);try{let e=await t(o.endCursor);e!==null&&(a(t=>[...t,...e.differences.edges.map(e=>e.node)]),s(e.differences.pageInfo))}catch(e){d(e instanceof V?e:new V(`server`,String(e)))}finally{l(!1)}}}return q(`div`,{class:`backup-comparison`,children:[q(un,{comparison:e}),p===0?q(`p`,{children:r.noDifferences}):q(b,{children:[q(m,{class:`bk-differences-title`,children:r.differences(f.length,p)}),q(`ul`,{class:`bk-differences`,children:f.map(e=>q(`li`,{children:[q(`span`,{class:`bk-email`,children:e.email}),` `,q(`span`,{class:`bk-kind bk-kind-${e.kind.toLowerCase()}`,children:r[`kind${e.kind}`]})]},e.email))}),u&&q(Y,{error:u}),o.hasNextPage&&q(`button`,{type:`button`,class:`secondary`,onClick:h,disabled:c,children:r.showMore})]})]})}var fn=[`SUCCEEDED`,`FAILED`,`CANCELLED`];function pn(e,t,n,r){let i=`backupId`in e?{backupId:e.backupId}:{asOf:e.asOf};if(t===`replace`)return{...i,groupId:r,strategy:`REPLACE`};let a=`asOf`in e?{sourceGroupId:e.groupId}:{};return{...i,...a,groupName:n.trim()||null}}function mn(e){return e.unchanged+e.changed+e.removed}function hn({comparison:e}){let t=G(Z);return e.added+e.changed+e.removed===0?q(`p`,{children:t.nothingToUndo}):q(`ul`,{class:`bk-undo-list`,children:[q(`li`,{children:t.undoAdded(e.added)}),q(`li`,{children:t.undoChanged(e.changed)}),q(`li`,{children:t.undoRemoved(e.removed)})]})}function gn({job:e}){let t=G(Z),n=X().number;return e.status===`FAILED`?q(`p`,{class:`field-error`,children:e.error??t.jobFAILED}):e.status===`SUCCEEDED`?q(b,{children:[q(`p`,{children:t.resultCounts(n(e.added),n(e.updated),n(e.removed),n(e.unchanged))}),e.group&&q(`p`,{children:[t.resultGroup(e.group.name,n(e.group.recipientCount)),` `,q(`a`,{href:J(`lists`,e.group.id),children:t.openGroup})]}),e.backup&&q(`p`,{children:t.madeBackup})]}):null}function _n(e,t){let n=H(),[r,i]=F(null);return I(()=>{if(!t)return;let r=!0;return n.request(Ct,{id:e.id,rowErrors:0}).then(t=>r&&i(t.importJob??e),()=>r&&i(e)),()=>{r=!1}},[n,e.id,t]),r}function vn({job:e,onFinished:t}){let n=G(Z),r=X(),i=tt(wt,{id:e.id}),a=(i.status===`done`?i.data.importJob:null)??e,o=fn.includes(a.status),s=_n(a,o),c=s??a,l=L(!1);I(()=>{s!==null&&!l.current&&(l.current=!0,t())},[s,t]);let u=c.totalRows;return q(`div`,{class:`bk-job-progress`,children:[q(`p`,{role:`status`,"aria-live":`polite`,class:`bk-job-status`,children:n[`job${s?s.status:o?`RUNNING`:c.status}`]}),!o&&q(b,{children:[q(`progress`,{"aria-label":n.progressLabel,max:u??void 0,value:u===null?void 0:c.processedRows}),u!==null&&q(`p`,{children:n.progressRows(r.number(c.processedRows),r.number(u))})]}),i.status===`error`&&!o&&q(Y,{error:i.error}),s&&q(gn,{job:s})]})}function yn({errors:e}){return e.length===0?null:q(`div`,{role:`alert`,children:e.map(e=>q(`p`,{class:`field-error`,children:e.message},e.code+e.message))})}function bn({id:e,target:t,setTarget:n,name:r,setName:i,groupName:a,canReplace:o}){let s=G(Z);return q(`fieldset`,{class:`restore-target`,children:[q(`legend`,{children:s.restoreTarget}),q(`label`,{class:`bk-choice`,children:[q(`input`,{type:`radio`,name:`${e}-target`,checked:t===`new`,onChange:()=>n(`new`)}),s.targetNew]}),t===`new`&&q(`div`,{class:`bk-new-name`,children:[q(`label`,{for:`${e}-name`,children:s.targetNewName}),q(`input`,{id:`${e}-name`,type:`text`,maxLength:200,value:r,onInput:e=>i(e.currentTarget.value)})]}),q(`label`,{class:`bk-choice`,children:[q(`input`,{type:`radio`,name:`${e}-target`,checked:t===`replace`,disabled:!o,onChange:()=>n(`replace`)}),o?s.targetReplace(a):s.targetReplaceGone]})]})}function xn({id:e,source:t,groupName:n,groupId:r,comparison:i,recipientCount:a,onFinished:o,level:s=5}){let c=G(Z),l=X(),[u,d]=F(`choose`),[f,p]=F(`new`),[m,h]=F(c.restoredName(n)),[g,_]=W(jt),[v,y]=F([]),[x,S]=F(null),C=L(null);if(I(()=>{u===`confirm`&&C.current?.focus()},[u]),x)return q(vn,{job:x,onFinished:o});async function w(){y([]);let e=pn(t,f,m,r),n=await g({input:e}).catch(()=>null);n!==null&&(y(n.restoreBackup.userErrors),n.restoreBackup.job&&S(n.restoreBackup.job))}if(u===`choose`)return q(`form`,{class:`restore-form`,onSubmit:e=>{e.preventDefault(),d(`confirm`)},children:[q(bn,{id:e,target:f,setTarget:p,name:m,setName:h,groupName:n,canReplace:r!==null}),q(`button`,{type:`submit`,children:c.review})]});let T=`h${s}`,E=a??(i?mn(i):0),D=m.trim()||n;return q(`div`,{class:`restore-confirm`,role:`group`,"aria-labelledby":`${e}-confirm`,children:[q(T,{id:`${e}-confirm`,tabIndex:-1,ref:C,children:c.confirmTitle}),f===`new`?q(`p`,{children:c.confirmNew(D,l.number(E))}):q(b,{children:[q(`p`,{children:c.confirmReplace(n)}),i&&q(hn,{comparison:i}),q(`p`,{children:c.replaceBackup})]}),q(yn,{errors:v}),_.status===`error`&&q(Y,{error:_.error}),q(`div`,{class:`bk-actions`,children:[q(`button`,{type:`button`,onClick:w,disabled:_.status===`loading`,children:c.confirmRestore}),q(`button`,{type:`button`,class:`secondary`,onClick:()=>d(`choose`),children:c.back})]})]})}function Sn(){let e=pt();return(t,n)=>new Intl.DateTimeFormat(rn(e),{timeStyle:`short`,timeZone:n}).format(new Date(t))}var Cn=50;function wn(e,t){switch(t.reason){case`IMPORT`:return t.job?.fileName?e.reasonImport(t.job.fileName):e.reasonImportUnnamed;case`RESTORE`:return e.reasonRestore;case`GROUP_DELETION`:return e.reasonDeletion;case`API`:return e.reasonApi}}function Tn(e,t){return`${e}-${t.replace(/[^A-Za-z0-9]/g,`_`)}`}function En({backupId:e,timeZone:t}){let n=G(Z),r=X(),i=H(),[a,o]=F({status:`idle`}),s=L(null),c=a.status===`done`?a.url:null;I(()=>{c!==null&&s.current?.click()},[c]);async function l(){o({status:`loading`});try{let{node:t}=await i.request(_t,{backupId:e});if(t===null||!(`downloadUrl`in t))throw new V(`graphql`,n.comparisonGone);o({status:`done`,url:t.downloadUrl,expiresAt:t.downloadUrlExpiresAt})}catch(e){o({status:`error`,error:e instanceof V?e:new V(`server`,String(e))})}}return q(b,{children:[q(`button`,{type:`button`,class:`secondary`,onClick:l,disabled:a.status===`loading`,children:a.status===`loading`?n.downloading:n.download}),a.status===`done`&&q(`p`,{class:`download-hint`,children:[n.downloadHint(r.dateTime(a.expiresAt,t)),` `,q(`a`,{ref:s,href:a.url,download:!0,children:n.downloadLink})]}),a.status===`error`&&q(Y,{error:a.error})]})}function Dn(e){let t=H();return{state:U(Nt,{backupId:e,first:Cn}),loadMore:De(async n=>{let{node:r}=await t.request(Nt,{backupId:e,first:Cn,after:n});return r&&`comparison`in r?r.comparison:null},[t,e])}}function On(e){return e.node?.comparison??null}function kn({backupId:e,id:t}){let n=G(Z),{state:r,loadMore:i}=Dn(e);return q(`div`,{class:`backup-panel`,role:`region`,"aria-labelledby":`${t}-compare`,children:[q(`h5`,{id:`${t}-compare`,children:n.comparisonTitle}),q(tn,{state:r,children:e=>{let t=On(e);return t?q(dn,{comparison:t,loadMore:i,headingLevel:5}):q(`p`,{children:n.comparisonGone})}})]})}function An({backup:e,id:t,onRestored:n}){let r=G(Z),{state:i}=Dn(e.id);return q(`div`,{class:`backup-panel`,role:`region`,"aria-labelledby":`${t}-restore`,children:[q(`h5`,{id:`${t}-restore`,children:r.restoreTitle}),i.status===`loading`&&i.data===void 0?q($t,{}):i.status===`error`?q(Y,{error:i.error,onRetry:i.reload}):q(xn,{id:t,source:{backupId:e.id},groupName:e.group?.name??e.groupName,groupId:e.group?.id??null,comparison:i.data?On(i.data):null,recipientCount:e.recipientCount,onFinished:n})]})}function jn({backup:e,timeZone:t,onRestored:n}){let r=G(Z),i=X(),a=Sn(),[o,s]=F(null),c=Tn(`backup`,e.id),l=e=>s(t=>t===e?null:e);return q(`li`,{class:`backup-item`,children:q(`article`,{"aria-labelledby":`${c}-title`,children:[q(`h4`,{id:`${c}-title`,class:`backup-title`,children:[q(`time`,{dateTime:e.createdAt,children:a(e.createdAt,t)}),` · `,q(`span`,{class:`backup-reason`,children:wn(r,e)})]}),q(`p`,{class:`backup-meta`,children:[q(`span`,{children:r.recipients(i.number(e.recipientCount),e.recipientCount)}),q(`span`,{children:r.keptUntil(i.dateTime(e.expiresAt,t))})]}),q(`div`,{class:`bk-actions`,role:`group`,"aria-label":r.backupActions,children:[q(En,{backupId:e.id,timeZone:t}),q(`button`,{type:`button`,class:`secondary`,"aria-expanded":o===`compare`,onClick:()=>l(`compare`),children:o===`compare`?r.hideCompare:r.compare}),q(`button`,{type:`button`,class:`secondary`,"aria-expanded":o===`restore`,onClick:()=>l(`restore`),children:o===`restore`?r.closeRestore:r.restore})]}),o===`compare`&&q(kn,{backupId:e.id,id:c}),o===`restore`&&q(An,{backup:e,id:c,onRestored:n})]})})}var Mn=[`year`,`month`,`day`,`hour`,`minute`,`second`];function Nn(e,t){let n=new Intl.DateTimeFormat(`en-US`,{timeZone:t,hourCycle:`h23`,year:`numeric`,month:`2-digit`,day:`2-digit`,hour:`2-digit`,minute:`2-digit`,second:`2-digit`}),r=Object.fromEntries(n.formatToParts(new Date(e)).map(e=>[e.type,Number(e.value)]));return Object.fromEntries(Mn.map(e=>[e,r[e]??0]))}function Pn(e,t){let n=Nn(e,t);return Date.UTC(n.year,n.month-1,n.day,n.hour,n.minute,n.second)-Math.floor(e/1e3)*1e3}function Fn(e,t,n){let[r,i,a]=e.split(`-`).map(Number),[o,s,c]=t.split(`:`).map(Number),l=Date.UTC(r??1970,(i??1)-1,a??1,o??0,s??0,c??0),u=l-Pn(l,n);return new Date(l-Pn(u,n)).toISOString()}var In=e=>String(e).padStart(2,`0`);function Ln(e,t){let n=Nn(new Date(e).getTime(),t);return{date:`${n.year}-${In(n.month)}-${In(n.day)}`,time:`${In(n.hour)}:${In(n.minute)}`}}var Rn=50;function zn({group:e,asOf:t,id:n,onRestored:r}){let i=G(Z),a=H(),o=U(Pt,{groupId:e.id,asOf:t,first:Rn}),s=De(async n=>{let r={groupId:e.id,asOf:t,first:Rn,after:n},{node:i}=await a.request(Pt,r);return i&&`comparison`in i?i.comparison:null},[a,e.id,t]);return q(tn,{state:o,children:({node:a})=>a&&`comparison`in a?q(`div`,{class:`moment-result`,children:[q(dn,{comparison:a.comparison,loadMore:s,headingLevel:4}),q(`p`,{children:q(`a`,{href:a.downloadUrl,download:!0,children:i.momentDownload})}),q(xn,{id:`${n}-asof`,source:{asOf:t,groupId:e.id},groupName:e.name,groupId:e.id,comparison:a.comparison,recipientCount:null,onFinished:r,level:4})]}):q(`p`,{children:i.comparisonGone})})}function Bn({group:e,timeZone:t,initial:n,id:r,onRestored:i}){let a=G(Z),o=Ln(n,t),[s,c]=F(o.date),[l,u]=F(o.time),[d,f]=F(null),[p,m]=F(!1);function h(e){e.preventDefault();let n=s!==``&&l!==``;m(!n),f(n?Fn(s,l,t):null)}return q(`div`,{class:`moment-panel`,role:`region`,"aria-labelledby":`${r}-moment`,children:[q(`h3`,{id:`${r}-moment`,children:a.momentTitle(e.name)}),q(`p`,{id:`${r}-moment-help`,children:a.momentHelp(t)}),q(`form`,{class:`moment-form`,onSubmit:h,"aria-describedby":`${r}-moment-help`,children:[q(`div`,{children:[q(`label`,{for:`${r}-date`,children:a.momentDate}),q(`input`,{id:`${r}-date`,type:`date`,required:!0,value:s,onInput:e=>c(e.currentTarget.value)})]}),q(`div`,{children:[q(`label`,{for:`${r}-time`,children:a.momentTime}),q(`input`,{id:`${r}-time`,type:`time`,required:!0,value:l,onInput:e=>u(e.currentTarget.value)})]}),q(`button`,{type:`submit`,children:a.momentShow})]}),p&&q(`p`,{class:`field-error`,role:`alert`,children:a.momentMissing}),d!==null&&q(zn,{group:e,asOf:d,id:r,onRestored:i},d)]})}var Vn=7;function Hn({day:e,timeZone:t,onRestored:n}){let r=X(),i=Tn(`day`,e.id);return q(`section`,{class:`backup-day`,"aria-labelledby":i,children:[q(`h3`,{id:i,children:q(`time`,{dateTime:e.date,children:r.day(e.date)})}),q(`ul`,{class:`backup-list`,children:e.backups.map(e=>q(jn,{backup:e,timeZone:t,onRestored:n},e.id))})]})}function Un(e,t){let n=H(),[r,i]=F([]),[a,o]=F(t),[s,c]=F(!1),[l,u]=F(null);async function d(){c(!0),u(null);try{let t={id:e,first:Vn,after:a.endCursor},{node:r}=await n.request(gt,t);r&&`dayConnection`in r&&(i(e=>[...e,...r.dayConnection.edges.map(e=>e.node)]),o(r.dayConnection.pageInfo))}catch(e){u(e instanceof V?e:new V(`server`,String(e)))}finally{c(!1)}}return{days:r,hasMore:a.hasNextPage,loading:s,error:l,loadMore:d}}function Wn({entry:e,onRestored:t}){let n=G(Z),r=Un(e.id,e.dayConnection.pageInfo),[i,a]=F(!1),o=Tn(`group`,e.id),s=e.group,c=e.dayConnection.edges.map(e=>e.node),l=new Set(c.map(e=>e.id)),u=[...c,...r.days.filter(e=>!l.has(e.id))];return q(`section`,{class:`backup-group`,"aria-labelledby":o,children:[q(`header`,{class:`backup-group-header`,children:[q(`h2`,{id:o,children:[s?.name??e.groupName,s===null&&q(`span`,{class:`group-deleted`,children:[` (`,n.deleted,`)`]})]}),q(`p`,{class:`backup-meta`,children:n.groupSummary(e.backupCount,s?.recipientCount??null)}),s&&q(`button`,{type:`button`,class:`secondary`,"aria-expanded":i,onClick:()=>a(!i),children:i?n.momentClose:n.momentToggle})]}),s&&i&&q(Bn,{group:s,timeZone:e.timeZone,initial:e.latestBackupAt,id:o,onRestored:t}),u.map(n=>q(Hn,{day:n,timeZone:e.timeZone,onRestored:t},n.id)),r.error&&q(Y,{error:r.error,onRetry:r.loadMore}),r.hasMore&&q(`button`,{type:`button`,class:`secondary`,onClick:r.loadMore,disabled:r.loading,children:n.moreDays})]})}var Gn=20;function Kn(e){let t=G(Z),[n,r]=F({first:Gn}),i=U(ht,n);return q(`section`,{"aria-labelledby":`screen-title`,class:`backups-screen`,children:[q(Gt,{children:t.title}),q(tn,{state:i,children:({viewer:e,backupOverview:n})=>q(b,{children:[q(`p`,{children:t.intro(e.timeZone)}),n.edges.length===0?q(en,{title:t.empty,children:q(`a`,{href:J(`import`),children:t.emptyLink})}):n.edges.map(({node:e})=>q(Wn,{entry:e,onRestored:i.reload},e.id)),(n.pageInfo.hasPreviousPage||n.pageInfo.hasNextPage)&&q(`nav`,{class:`bk-pager`,"aria-label":t.groupsPages,children:[q(`button`,{type:`button`,class:`secondary`,disabled:!n.pageInfo.hasPreviousPage,onClick:()=>r({last:Gn,before:n.pageInfo.startCursor,first:null}),children:t.previousGroups}),q(`button`,{type:`button`,class:`secondary`,disabled:!n.pageInfo.hasNextPage,onClick:()=>r({first:Gn,after:n.pageInfo.endCursor}),children:t.nextGroups})]})]})})]})}var qn=[{path:`backups`,messages:Z,Screen:Kn}],Jn=[`email`,`firstName`,`lastName`,`status`];function Yn(e){return Jn.includes(e)}function Xn(e){let t=e.header===``?null:e.suggestedField;return t===null?{header:e.header,field:`ignore`,attribute:e.header}:Yn(t)?{header:e.header,field:t,attribute:e.header}:{header:e.header,field:`attribute`,attribute:t}}function Zn(e){return e.filter(e=>e.header!==``).map(e=>({column:e.header,field:e.field===`ignore`?``:e.field===`attribute`?e.attribute.trim():e.field}))}function Qn(e,t){return{email:e.fieldEmail,firstName:e.fieldFirstName,lastName:e.fieldLastName,status:e.fieldStatus}[t]}function $n(e,t){let n=t.find(e=>e.field===`attribute`&&e.attribute.trim()===``);if(n)return e.attributeMissing(n.header);let r=Zn(t).map(e=>e.field).filter(e=>e!==``);if(r.filter(e=>e===`email`).length!==1)return e.needEmail;let i=r.find((e,t)=>r.indexOf(e)!==t);return i===void 0?null:e.twice(Yn(i)?Qn(e,i):i)}function er(e,t){return t===`,`?e.delimiterComma:t===`;`?e.delimiterSemicolon:t===`	`?e.delimiterTab:e.delimiterOther(t)}function tr(e,t){return e<1024?`${t(e)} B`:e<1048576?`${t(Math.round(e/1024))} KB`:`${t(Math.round(e/1048576*10)/10)} MB`}var Q=st({en:{title:`Import`,stepOf:(e,t)=>`Step ${e} of ${t}`,stepsLabel:`Import steps`,stepFile:`File`,stepColumns:`Columns`,stepPreview:`Preview`,stepImport:`Import`,fileHeading:`Choose a CSV file`,fileLabel:`CSV file`,fileHint:`Any spreadsheet saved as CSV (UTF-8, UTF-16 or Windows-1252; comma, semicolon or tab). Its first row names the columns.`,dropHint:`or drop the file here`,chosen:(e,t)=>`Chosen: ${e} (${t})`,noFile:`Choose a file first.`,upload:`Read the file`,uploading:`Reading the file…`,columnsHeading:`Check the columns`,fileFacts:(e,t,n,r)=>`${e}: about ${t} rows, ${n}, separated by ${r}.`,delimiterComma:`commas`,delimiterSemicolon:`semicolons`,delimiterTab:`tabs`,delimiterOther:e=>`“${e}”`,columnsLegend:`What each column holds`,columnsHint:`We suggested a field for each column from its name; change any of them.`,noHeader:`(no name)`,noHeaderNote:`A column without a name is left out.`,samples:`Examples:`,noSamples:`(empty)`,fieldFor:e=>`Field for column “${e}”`,attributeFor:e=>`Attribute name for column “${e}”`,fieldEmail:`Email address`,fieldFirstName:`First name`,fieldLastName:`Last name`,fieldStatus:`Status`,fieldAttribute:`Attribute (custom field)`,fieldIgnore:`Ignore this column`,needEmail:`Map exactly one column to “Email address”.`,twice:e=>`Two columns are mapped to “${e}”; keep one.`,attributeMissing:e=>`Name the attribute of column “${e}”.`,targetLegend:`Import into`,targetExisting:`An existing group`,targetNew:`A new group`,groupLabel:`Group`,newGroupLabel:`Name of the new group`,newGroupMissing:`Name the new group.`,noGroups:`You have no group yet: the import makes a new one.`,groupOption:(e,t)=>`${e} (${t} recipients)`,modeLegend:`Addresses already in the group`,modeADD:`Leave them as they are; add the new addresses`,modeREFRESH_AND_ADD:`Update them from the file; add the new addresses`,modeREFRESH:`Update them from the file; skip the new addresses`,statusNote:`An unsubscribed or bounced recipient stays so, whatever the file says.`,preview:`Preview the import`,previewing:`Working out what the import would do…`,chooseAnother:`Choose another file`,previewHeading:`What the import will do`,previewInto:e=>`Into “${e}”, nothing changed yet:`,countAdded:`Added`,countUpdated:`Updated`,countUnchanged:`Unchanged`,countSkipped:`Skipped`,countRejected:`Rejected rows`,countStatusKept:`Kept unsubscribed or bounced`,changesHeading:(e,t)=>e===t?`Changes (${t})`:`Changes (first ${e} of ${t})`,noChanges:`No recipient would change.`,kindADDED:`new`,kindUPDATED:`updated`,kindSTATUS_KEPT:`status kept`,kindSKIPPED:`skipped`,kindREMOVED:`removed`,statusKeptNote:e=>`Stays ${e}: an import never lifts it.`,changeField:`Field`,before:`Before`,after:`After`,empty:`—`,errorsHeading:(e,t)=>e===t?`Rows that will be rejected (${t})`:`Rows that will be rejected (first ${e} of ${t})`,row:`Row`,column:`Column`,problem:`Problem`,confirm:`Import now`,starting:`Starting the import…`,back:`Change the mapping`,jobHeading:`Importing`,resultHeading:`Import finished`,failedHeading:`The import failed`,cancelledHeading:`Import cancelled`,statusQUEUED:`Waiting to start…`,statusRUNNING:`Importing…`,statusCANCELLING:`Cancelling: undoing what was written…`,statusCANCELLED:`Cancelled.`,statusSUCCEEDED:`Done.`,statusFAILED:`Failed.`,progressLabel:`Import progress`,progressRows:(e,t)=>`${e} of ${t} rows read`,progressRowsUnknown:e=>`${e} rows read`,cancel:`Cancel the import`,cancelledNothing:`Nothing was changed: the group is as it was before the import.`,cancelledGroup:(e,t)=>`“${e}” still has ${t} recipients.`,resultGroup:(e,t)=>`“${e}” now has ${t} recipients.`,openGroup:`Open the group`,madeBackup:`A backup of the group was made before the import.`,rejectsLink:`Download the rejected rows (CSV)`,rejectsHint:`Fix them in this file and import it again as it is.`,rowErrorsHeading:(e,t)=>e===t?`Rejected rows (${t})`:`Rejected rows (first ${e} of ${t})`,again:`Import another file`},fr:{title:`Importer`,stepOf:(e,t)=>`Étape ${e} sur ${t}`,stepsLabel:`Étapes de l’import`,stepFile:`Fichier`,stepColumns:`Colonnes`,stepPreview:`Aperçu`,stepImport:`Import`,fileHeading:`Choisir un fichier CSV`,fileLabel:`Fichier CSV`,fileHint:`Tout tableur enregistré en CSV (UTF-8, UTF-16 ou Windows-1252 ; virgule, point-virgule ou tabulation). Sa première ligne nomme les colonnes.`,dropHint:`ou déposez le fichier ici`,chosen:(e,t)=>`Choisi : ${e} (${t})`,noFile:`Choisissez d’abord un fichier.`,upload:`Lire le fichier`,uploading:`Lecture du fichier…`,columnsHeading:`Vérifier les colonnes`,fileFacts:(e,t,n,r)=>`${e} : environ ${t} lignes, ${n}, séparées par ${r}.`,delimiterComma:`des virgules`,delimiterSemicolon:`des points-virgules`,delimiterTab:`des tabulations`,delimiterOther:e=>`« ${e} »`,columnsLegend:`Ce que contient chaque colonne`,columnsHint:`Nous avons proposé un champ pour chaque colonne d’après son nom ; modifiez-les au besoin.`,noHeader:`(sans nom)`,noHeaderNote:`Une colonne sans nom est ignorée.`,samples:`Exemples :`,noSamples:`(vide)`,fieldFor:e=>`Champ de la colonne « ${e} »`,attributeFor:e=>`Nom de l’attribut de la colonne « ${e} »`,fieldEmail:`Adresse e-mail`,fieldFirstName:`Prénom`,fieldLastName:`Nom`,fieldStatus:`Statut`,fieldAttribute:`Attribut (champ personnalisé)`,fieldIgnore:`Ignorer cette colonne`,needEmail:`Associez exactement une colonne à « Adresse e-mail ».`,twice:e=>`Deux colonnes sont associées à « ${e} » ; n’en gardez qu’une.`,attributeMissing:e=>`Nommez l’attribut de la colonne « ${e} ».`,targetLegend:`Importer dans`,targetExisting:`Un groupe existant`,targetNew:`Un nouveau groupe`,groupLabel:`Groupe`,newGroupLabel:`Nom du nouveau groupe`,newGroupMissing:`Nommez le nouveau groupe.`,noGroups:`Vous n’avez pas encore de groupe : l’import en crée un.`,groupOption:(e,t)=>`${e} (${t} destinataires)`,modeLegend:`Adresses déjà dans le groupe`,modeADD:`Les laisser telles quelles ; ajouter les nouvelles adresses`,modeREFRESH_AND_ADD:`Les mettre à jour depuis le fichier ; ajouter les nouvelles adresses`,modeREFRESH:`Les mettre à jour depuis le fichier ; ignorer les nouvelles adresses`,statusNote:`Un destinataire désabonné ou en erreur le reste, quoi que dise le fichier.`,preview:`Prévisualiser l’import`,previewing:`Calcul de ce que ferait l’import…`,chooseAnother:`Choisir un autre fichier`,previewHeading:`Ce que fera l’import`,previewInto:e=>`Dans « ${e} », rien n’est encore modifié :`,countAdded:`Ajoutés`,countUpdated:`Mis à jour`,countUnchanged:`Inchangés`,countSkipped:`Ignorés`,countRejected:`Lignes rejetées`,countStatusKept:`Restés désabonnés ou en erreur`,changesHeading:(e,t)=>e===t?`Modifications (${t})`:`Modifications (${e} premières sur ${t})`,noChanges:`Aucun destinataire ne changerait.`,kindADDED:`nouveau`,kindUPDATED:`mis à jour`,kindSTATUS_KEPT:`statut conservé`,kindSKIPPED:`ignoré`,kindREMOVED:`retiré`,statusKeptNote:e=>`Reste ${e} : un import ne lève jamais ce statut.`,changeField:`Champ`,before:`Avant`,after:`Après`,empty:`—`,errorsHeading:(e,t)=>e===t?`Lignes qui seront rejetées (${t})`:`Lignes qui seront rejetées (${e} premières sur ${t})`,row:`Ligne`,column:`Colonne`,problem:`Problème`,confirm:`Importer maintenant`,starting:`Lancement de l’import…`,back:`Modifier l’association`,jobHeading:`Import en cours`,resultHeading:`Import terminé`,failedHeading:`L’import a échoué`,cancelledHeading:`Import annulé`,statusQUEUED:`En attente de démarrage…`,statusRUNNING:`Import en cours…`,statusCANCELLING:`Annulation : retour en arrière de ce qui a été écrit…`,statusCANCELLED:`Annulé.`,statusSUCCEEDED:`Terminé.`,statusFAILED:`Échec.`,progressLabel:`Progression de l’import`,progressRows:(e,t)=>`${e} lignes lues sur ${t}`,progressRowsUnknown:e=>`${e} lignes lues`,cancel:`Annuler l’import`,cancelledNothing:`Rien n’a été modifié : le groupe est tel qu’avant l’import.`,cancelledGroup:(e,t)=>`« ${e} » compte toujours ${t} destinataires.`,resultGroup:(e,t)=>`« ${e} » compte maintenant ${t} destinataires.`,openGroup:`Ouvrir le groupe`,madeBackup:`Une sauvegarde du groupe a été faite avant l’import.`,rejectsLink:`Télécharger les lignes rejetées (CSV)`,rejectsHint:`Corrigez-les dans ce fichier et importez-le tel quel.`,rowErrorsHeading:(e,t)=>e===t?`Lignes rejetées (${t})`:`Lignes rejetées (${e} premières sur ${t})`,again:`Importer un autre fichier`}});function nr({children:e,focus:t=!0}){let n=L(null);return I(()=>{t&&n.current?.focus()},[t]),q(`h2`,{tabIndex:-1,ref:n,children:e})}function rr({errors:e}){return e.length===0?null:q(`div`,{role:`alert`,class:`user-errors`,children:e.map(e=>q(`p`,{class:`field-error`,children:e.message},`${e.code}${e.message}`))})}function ir({counts:e}){let t=G(Q),n=X();return q(`dl`,{class:`import-counts`,children:[[`added`,t.countAdded,e.added],[`updated`,t.countUpdated,e.updated],[`unchanged`,t.countUnchanged,e.unchanged],[`skipped`,t.countSkipped,e.skipped],[`rejected`,t.countRejected,e.rejected],[`status-kept`,t.countStatusKept,e.statusKept]].map(([e,t,r])=>q(`div`,{class:`count count-${e}`,"data-count":e,children:[q(`dt`,{children:t}),q(`dd`,{children:n.number(r)})]},e))})}function ar({errors:e,caption:t}){let n=G(Q),r=X();return q(`div`,{class:`table-box`,children:q(`table`,{class:`row-errors`,children:[q(`caption`,{children:t}),q(`thead`,{children:q(`tr`,{children:[q(`th`,{scope:`col`,children:n.row}),q(`th`,{scope:`col`,children:n.column}),q(`th`,{scope:`col`,children:n.problem})]})}),q(`tbody`,{children:e.map((e,t)=>q(`tr`,{children:[q(`td`,{children:r.number(e.row)}),q(`td`,{children:e.column??n.empty}),q(`td`,{children:e.message})]},`${e.row}-${e.code}-${t}`))})]})})}function or({onStaged:e}){let t=G(Q),n=X(),r=H(),[i,a]=F(null),[o,s]=F(!1),[c,l]=F(!1),[u,d]=F(null),[f,p]=F([]),[m,h]=F(null);async function g(n){if(n.preventDefault(),p([]),h(null),i===null)d(t.noFile);else{d(null),l(!0);try{let t=await r.upload(Et,{file:i});p(t.stageFile.userErrors),t.stageFile.stagedFile&&e(t.stageFile.stagedFile)}catch(e){h(e instanceof V?e:new V(`server`,String(e)))}finally{l(!1)}}}function _(e){e.preventDefault(),s(!1);let t=e.dataTransfer?.files[0];t&&(a(t),d(null))}let v=u!==null||f.length>0;return q(`form`,{class:`import-step`,onSubmit:g,noValidate:!0,children:[q(nr,{children:t.fileHeading}),q(`div`,{class:o?`drop-zone dragging`:`drop-zone`,onDragOver:e=>{e.preventDefault(),s(!0)},onDragLeave:()=>s(!1),onDrop:_,children:[q(`label`,{for:`import-file`,children:t.fileLabel}),q(`input`,{id:`import-file`,type:`file`,accept:`.csv,.txt,text/csv,text/plain`,"aria-describedby":`import-file-hint`,"aria-invalid":v,onChange:e=>{a(e.currentTarget.files?.[0]??null),d(null)}}),q(`p`,{id:`import-file-hint`,class:`hint`,children:[t.fileHint,` `,q(`span`,{"aria-hidden":`true`,children:t.dropHint})]}),i&&q(`p`,{class:`chosen`,children:t.chosen(i.name,tr(i.size,n.number))})]}),u&&q(`p`,{class:`field-error`,role:`alert`,children:u}),q(rr,{errors:f}),m&&q(Y,{error:m}),c?q($t,{label:t.uploading}):q(`div`,{class:`actions`,children:q(`button`,{type:`submit`,children:t.upload})})]})}var sr=[`SUCCEEDED`,`FAILED`,`CANCELLED`],cr=20,lr=1e3;function ur(e,t){let n=H(),[r,i]=F(null);return I(()=>{if(!t)return;let r=0,a=!0,o=()=>{n.request(Ct,{id:e,rowErrors:0}).then(e=>{a&&(e.importJob&&i(e.importJob),e.importJob&&sr.includes(e.importJob.status)||(r=window.setTimeout(o,lr)))},()=>a&&(r=window.setTimeout(o,lr)))};return o(),()=>{a=!1,window.clearTimeout(r)}},[n,e,t]),r}function dr(e,t){return t===null?e:sr.includes(t.status)&&!sr.includes(e.status)?t:e}function fr({job:e}){let t=G(Q),n=X(),r=e.totalRows,i=n.number(e.processedRows);return q(`div`,{class:`job-progress`,children:[q(`progress`,{"aria-label":t.progressLabel,max:r??void 0,value:r===null?void 0:Math.min(e.processedRows,r)}),q(`p`,{class:`progress-rows`,children:r===null?t.progressRowsUnknown(i):t.progressRows(i,n.number(r))})]})}function pr({jobId:e}){let t=G(Q),n=X();return q(tn,{state:U(kt,{id:e,rowErrors:cr}),children:({importJob:e})=>e&&q(`div`,{class:`import-result`,children:[e.status===`FAILED`&&e.error&&q(`p`,{class:`field-error`,children:e.error}),e.status===`SUCCEEDED`&&q(ir,{counts:e}),e.group&&e.status===`SUCCEEDED`&&q(`p`,{children:[t.resultGroup(e.group.name,n.number(e.group.recipientCount)),` `,q(`a`,{href:J(`lists`,e.group.id),children:t.openGroup})]}),e.backup&&q(`p`,{children:t.madeBackup}),e.rowErrors.length>0&&q(ar,{errors:e.rowErrors,caption:t.rowErrorsHeading(n.number(e.rowErrors.length),n.number(e.rejected))}),e.rejectedRowsUrl&&q(`p`,{class:`rejects`,children:[q(`a`,{href:e.rejectedRowsUrl,download:`rejected-${e.fileName??`rows.csv`}`,children:t.rejectsLink}),q(`br`,{}),q(`span`,{class:`hint`,children:t.rejectsHint})]})]})})}function mr({started:e,onAgain:t}){let n=G(Q),r=X(),i=tt(wt,{id:e.id}),[a,o]=W(Tt),[s,c]=F(null),[l,u]=F([]),d=ur(e.id,i.status===`error`),f=i.status===`done`?i.data.importJob:e,p=dr(dr(d??f,s),f),m=sr.includes(p.status);async function h(){u([]);let e=await a({jobId:p.id}).catch(()=>null);e!==null&&(u(e.cancelJob.userErrors),e.cancelJob.job&&c(e.cancelJob.job))}let g={SUCCEEDED:n.resultHeading,FAILED:n.failedHeading,CANCELLED:n.cancelledHeading}[p.status]??n.jobHeading,_=!m&&p.status!==`CANCELLING`;return q(`div`,{class:`import-step`,children:[q(nr,{children:g}),q(`p`,{role:`status`,"aria-live":`polite`,class:`job-status`,children:n[`status${p.status}`]}),p.status!==`CANCELLED`&&p.status!==`FAILED`&&q(fr,{job:p}),q(rr,{errors:l}),o.status===`error`&&q(Y,{error:o.error}),_&&q(`div`,{class:`actions`,children:q(`button`,{type:`button`,class:`danger`,onClick:h,disabled:o.status===`loading`,children:n.cancel})}),p.status===`CANCELLED`&&q(`div`,{class:`import-result`,children:[q(`p`,{children:n.cancelledNothing}),p.group&&q(`p`,{children:n.cancelledGroup(p.group.name,r.number(p.group.recipientCount))})]}),(p.status===`SUCCEEDED`||p.status===`FAILED`)&&q(pr,{jobId:p.id}),m&&q(`div`,{class:`actions`,children:q(`button`,{type:`button`,class:`secondary`,onClick:t,children:n.again})})]})}var hr=[`ADD`,`REFRESH_AND_ADD`,`REFRESH`],gr=100;function _r({index:e,choice:t,samples:n,onChange:r}){let i=G(Q),a=t.header!==``,o=a?t.header:i.noHeader,s=n.filter(e=>e.trim()!==``).slice(0,3);return q(`li`,{class:`column-choice`,children:[q(`div`,{class:`column-name`,children:[q(`strong`,{children:o}),q(`p`,{class:`samples`,children:[i.samples,` `,s.length?s.join(` · `):i.noSamples]})]}),q(`div`,{class:`column-field`,children:[q(`label`,{for:`column-${e}-field`,children:i.fieldFor(o)}),q(`select`,{id:`column-${e}-field`,value:t.field,disabled:!a,onChange:e=>r({...t,field:e.currentTarget.value}),children:[Jn.map(e=>q(`option`,{value:e,children:Qn(i,e)},e)),q(`option`,{value:`attribute`,children:i.fieldAttribute}),q(`option`,{value:`ignore`,children:i.fieldIgnore})]}),!a&&q(`p`,{class:`hint`,children:i.noHeaderNote})]}),t.field===`attribute`&&q(`div`,{class:`column-attribute`,children:[q(`label`,{for:`column-${e}-attribute`,children:i.attributeFor(o)}),q(`input`,{id:`column-${e}-attribute`,type:`text`,maxLength:100,value:t.attribute,onInput:e=>r({...t,attribute:e.currentTarget.value})})]})]})}function vr({state:e,update:t}){let n=G(Q),r=X(),i=U(vt,{first:gr}),a=i.status===`done`?i.data.groups.edges.map(e=>e.node):[],o=a.length>0;return q(`fieldset`,{class:`import-target`,children:[q(`legend`,{children:n.targetLegend}),i.status===`loading`&&q($t,{}),i.status===`error`&&q(Y,{error:i.error,onRetry:i.reload}),i.status===`done`&&!o&&q(`p`,{class:`hint`,children:n.noGroups}),o&&q(b,{children:[q(`label`,{class:`choice`,children:[q(`input`,{type:`radio`,name:`import-target`,checked:e.target===`existing`,onChange:()=>{let n=a.find(t=>t.id===e.groupId)??a[0];t({target:`existing`,groupId:n?.id??``,existingName:n?.name??``})}}),n.targetExisting]}),e.target===`existing`&&q(`div`,{class:`indented`,children:[q(`label`,{for:`import-group`,children:n.groupLabel}),q(`select`,{id:`import-group`,value:e.groupId,onChange:e=>{let n=e.currentTarget.value;t({groupId:n,existingName:a.find(e=>e.id===n)?.name??``})},children:a.map(e=>q(`option`,{value:e.id,children:n.groupOption(e.name,r.number(e.recipientCount))},e.id))})]}),q(`label`,{class:`choice`,children:[q(`input`,{type:`radio`,name:`import-target`,checked:e.target===`new`,onChange:()=>t({target:`new`})}),n.targetNew]})]}),(e.target===`new`||i.status===`done`&&!o)&&q(`div`,{class:`indented`,children:[q(`label`,{for:`import-group-name`,children:n.newGroupLabel}),q(`input`,{id:`import-group-name`,type:`text`,maxLength:200,value:e.groupName,onInput:e=>t({groupName:e.currentTarget.value})})]})]})}function yr({mode:e,setMode:t}){let n=G(Q);return q(`fieldset`,{class:`import-mode`,children:[q(`legend`,{children:n.modeLegend}),hr.map(r=>q(`label`,{class:`choice`,children:[q(`input`,{type:`radio`,name:`import-mode`,checked:e===r,onChange:()=>t(r)}),n[`mode${r}`]]},r)),q(`p`,{class:`hint`,children:n.statusNote})]})}function br(e,t,n){let r=$n(e,n.choices);if(r)return r;let i=n.target===`existing`&&n.groupId!==``;return!i&&n.groupName.trim()===``?e.newGroupMissing:{stagedFileId:t.id,groupId:i?n.groupId:null,groupName:i?null:n.groupName.trim(),mode:n.mode,fieldMapping:Zn(n.choices)}}function xr({staged:e,state:t,setState:n,onPreview:r,onRestart:i}){let a=G(Q),o=X(),[s,c]=W(Ot),[l,u]=F(null),[d,f]=F([]),p=e=>n({...t,...e});async function m(n){n.preventDefault(),f([]);let i=br(a,e,t);if(typeof i==`string`){u(i);return}u(null);let o=await s({...i,first:20}).catch(()=>null);o!==null&&(f(o.previewImport.userErrors),o.previewImport.preview&&r(i,o.previewImport.preview))}return q(`form`,{class:`import-step`,onSubmit:m,noValidate:!0,children:[q(nr,{children:a.columnsHeading}),q(`p`,{class:`file-facts`,children:a.fileFacts(e.fileName??``,o.number(e.rowEstimate),e.encoding,er(a,e.delimiter))}),q(`fieldset`,{class:`import-columns`,children:[q(`legend`,{children:a.columnsLegend}),q(`p`,{class:`hint`,children:a.columnsHint}),q(`ul`,{class:`column-list`,children:t.choices.map((n,r)=>q(_r,{index:r,choice:n,samples:e.columns[r]?.samples??[],onChange:e=>p({choices:t.choices.map((t,n)=>n===r?e:t)})},e.columns[r]?.index??r))})]}),q(vr,{state:t,update:p}),q(yr,{mode:t.mode,setMode:e=>p({mode:e})}),l&&q(`p`,{class:`field-error`,role:`alert`,children:l}),q(rr,{errors:d}),c.status===`error`&&q(Y,{error:c.error}),c.status===`loading`?q($t,{label:a.previewing}):q(`div`,{class:`actions`,children:[q(`button`,{type:`submit`,children:a.preview}),q(`button`,{type:`button`,class:`secondary`,onClick:i,children:a.chooseAnother})]})]})}function Sr(e){let t=e.before,n=e.after,r=e=>({firstName:e?.firstName??null,lastName:e?.lastName??null,status:e?.status??null,...e?.attributes??{}}),i=r(t),a=r(n);return[...new Set([...Object.keys(i),...Object.keys(a)])].map(e=>[e,i[e]??null,a[e]??null]).filter(([,e,n])=>t===null?n!==null:e!==n)}function Cr({change:e}){let t=G(Q),n=Sr(e),r={firstName:t.fieldFirstName,lastName:t.fieldLastName,status:t.fieldStatus};return q(`li`,{class:`change`,children:[q(`p`,{class:`change-head`,children:[q(`strong`,{children:e.email}),` `,q(`span`,{class:`kind kind-${e.kind}`,children:t[`kind${e.kind}`]})]}),e.statusKept&&e.before&&q(`p`,{class:`hint`,children:t.statusKeptNote(e.before.status)}),n.length>0&&q(`div`,{class:`table-box`,children:q(`table`,{class:`change-values`,children:[q(`thead`,{children:q(`tr`,{children:[q(`th`,{scope:`col`,children:t.changeField}),q(`th`,{scope:`col`,children:t.before}),q(`th`,{scope:`col`,children:t.after})]})}),q(`tbody`,{children:n.map(([e,n,i])=>q(`tr`,{children:[q(`th`,{scope:`row`,children:r[e]??e}),q(`td`,{children:n??t.empty}),q(`td`,{children:i??t.empty})]},e))})]})})]})}function wr({request:e,preview:t,groupName:n,onStarted:r,onBack:i}){let a=G(Q),o=X(),[s,c]=W(Dt),[l,u]=F([]),d=t.changes.edges.map(e=>e.node),f=t.rowErrors.edges.map(e=>e.node);async function p(){u([]);let t=await s({...e}).catch(()=>null);t!==null&&(u(t.importRecipients.userErrors),t.importRecipients.job&&r(t.importRecipients.job))}return q(`div`,{class:`import-step`,children:[q(nr,{children:a.previewHeading}),q(`p`,{children:a.previewInto(n)}),q(ir,{counts:t}),q(`section`,{"aria-labelledby":`preview-changes`,children:[q(`h3`,{id:`preview-changes`,children:a.changesHeading(o.number(d.length),o.number(t.changes.totalCount))}),d.length===0?q(`p`,{children:a.noChanges}):q(`ul`,{class:`change-list`,children:d.map(e=>q(Cr,{change:e},e.email))})]}),t.rowErrors.totalCount>0&&q(ar,{errors:f,caption:a.errorsHeading(o.number(f.length),o.number(t.rowErrors.totalCount))}),q(rr,{errors:l}),c.status===`error`&&q(Y,{error:c.error}),c.status===`loading`?q($t,{label:a.starting}):q(`div`,{class:`actions`,children:[q(`button`,{type:`button`,onClick:p,children:a.confirm}),q(`button`,{type:`button`,class:`secondary`,onClick:i,children:a.back})]})]})}var Tr=[`file`,`columns`,`preview`,`job`];function Er(e){return(e??``).replace(/\.[^.]+$/,``).trim()}function Dr(e){return{choices:e.columns.map(Xn),target:`new`,groupId:``,existingName:``,groupName:Er(e.fileName),mode:`ADD`}}function Or({current:e}){let t=G(Q),n=[t.stepFile,t.stepColumns,t.stepPreview,t.stepImport],r=Tr.indexOf(e);return q(`nav`,{"aria-label":t.stepsLabel,children:q(`ol`,{class:`wizard-steps`,children:n.map((e,i)=>q(`li`,{"aria-current":i===r?`step`:void 0,class:i<r?`done`:void 0,children:[q(`span`,{class:`visually-hidden`,children:[t.stepOf(i+1,n.length),`: `]}),e]},e))})})}function kr(e){let t=G(Q),[n,r]=F({name:`file`}),[i,a]=F(null),o=()=>{a(null),r({name:`file`})};return q(`section`,{"aria-labelledby":`screen-title`,class:`import-screen`,children:[q(Gt,{children:t.title}),q(Or,{current:n.name}),n.name===`file`&&q(or,{onStaged:e=>{a(Dr(e)),r({name:`columns`,staged:e})}}),n.name===`columns`&&i&&q(xr,{staged:n.staged,state:i,setState:a,onPreview:(e,t)=>r({name:`preview`,staged:n.staged,request:e,preview:t}),onRestart:o}),n.name===`preview`&&i&&q(wr,{request:n.request,preview:n.preview,groupName:n.request.groupName??i.existingName,onStarted:e=>r({name:`job`,job:e}),onBack:()=>r({name:`columns`,staged:n.staged})}),n.name===`job`&&q(mr,{started:n.job,onAgain:o})]})}var Ar=[{path:`import`,messages:Q,Screen:kr}],jr={ACTIVE:`Active`,INACTIVE:`Inactive`,UNSUBSCRIBED:`Unsubscribed`,BOUNCED:`Bounced`},Mr={ACTIVE:`Actif`,INACTIVE:`Inactif`,UNSUBSCRIBED:`Désabonné`,BOUNCED:`En erreur`},Nr=(e,t,n)=>e===1?t:n,Pr=(e,t,n)=>e<=1?t:n,$=st({en:{title:`Lists`,groupsHeading:`Groups`,groupCount:(e,t)=>`${e} ${Nr(t,`group`,`groups`)}`,noGroups:`No groups yet. Create one here, or import a file into a new group.`,importLink:`Import a file`,newGroupHeading:`New group`,groupName:`Group name`,create:`Create group`,creating:`Creating…`,created:e=>`Group “${e}” created.`,recipients:(e,t)=>`${e} ${Nr(t,`recipient`,`recipients`)}`,createdOn:e=>`created ${e}`,backupsOn:`backups on`,backupsOff:`backups off`,previous:`Previous`,next:`Next`,pagingLabel:e=>`Pages of ${e}`,allGroups:`All groups`,groupNotFound:`This group does not exist, or was deleted.`,settingsHeading:`Group settings`,newName:`Name`,rename:`Rename`,renaming:`Renaming…`,renamed:`Renamed.`,backupSwitch:`Back up this group before each import, deletion and restore`,backupSwitchHint:`Each backup is kept for the account’s retention period.`,backupsAccountOff:`Automatic backups are off for the whole account (Settings): this group is not backed up until they are on again.`,switchSaved:e=>e?`Backups are on for this group.`:`Backups are off for this group.`,jobsLink:`Imports and restores of this group`,deleteHeading:`Delete the group`,deleteStart:`Delete group…`,confirmTitle:e=>`Delete “${e}”?`,confirmBackup:e=>`A backup of its ${e} is made first (“before deletion”): you can download it or restore it from the Backups screen until it expires.`,confirmNoBackup:`Backups are off for this group: no backup will be made, and its recipients cannot be restored.`,confirmDelete:`Delete the group`,deleting:`Deleting…`,keep:`Keep it`,deleted:e=>`Group “${e}” was deleted.`,deletedBackup:(e,t)=>`Its backup of ${t} holds ${e}.`,deletedNoBackup:`No backup was made (backups were off).`,seeBackup:`See it on the Backups screen`,downloadBackup:`Download the backup`,recipientsHeading:`Recipients`,search:`Search`,searchHint:`The start of an email, first name or last name.`,statusFilter:`Status`,anyStatus:`Any status`,matches:(e,t)=>`${e} ${Nr(t,`match`,`matches`)}`,noRecipients:`This group has no recipients yet.`,noMatches:`No recipient matches this search.`,email:`Email`,name:`Name`,status:`Status`,updated:`Updated`,actions:`Actions`,status_:e=>jr[e],unsubscribe:`Unsubscribe`,unsubscribeLabel:e=>`Unsubscribe ${e}`,unsubscribed:e=>`${e} is unsubscribed.`,resubscribe:`Resubscribe…`,resubscribeLabel:e=>`Resubscribe ${e}…`,resubscribeTitle:e=>`Resubscribe ${e}?`,resubscribeText:e=>`This recipient is “${e}”. Resubscribe them only if they asked for it: the change is recorded.`,resubscribeConfirm:`Yes, resubscribe`,resubscribed:e=>`${e} is active again.`,cancel:`Cancel`},fr:{title:`Listes`,groupsHeading:`Groupes`,groupCount:(e,t)=>`${e} ${Pr(t,`groupe`,`groupes`)}`,noGroups:`Aucun groupe pour l’instant. Créez-en un ici, ou importez un fichier dans un nouveau groupe.`,importLink:`Importer un fichier`,newGroupHeading:`Nouveau groupe`,groupName:`Nom du groupe`,create:`Créer le groupe`,creating:`Création…`,created:e=>`Groupe « ${e} » créé.`,recipients:(e,t)=>`${e} ${Pr(t,`destinataire`,`destinataires`)}`,createdOn:e=>`créé le ${e}`,backupsOn:`sauvegardes activées`,backupsOff:`sauvegardes désactivées`,previous:`Précédent`,next:`Suivant`,pagingLabel:e=>`Pages : ${e}`,allGroups:`Tous les groupes`,groupNotFound:`Ce groupe n’existe pas, ou a été supprimé.`,settingsHeading:`Réglages du groupe`,newName:`Nom`,rename:`Renommer`,renaming:`Renommage…`,renamed:`Renommé.`,backupSwitch:`Sauvegarder ce groupe avant chaque import, suppression et restauration`,backupSwitchHint:`Chaque sauvegarde est conservée pendant la durée de conservation du compte.`,backupsAccountOff:`Les sauvegardes automatiques sont désactivées pour tout le compte (Réglages) : ce groupe n’est pas sauvegardé tant qu’elles ne sont pas réactivées.`,switchSaved:e=>e?`Les sauvegardes de ce groupe sont activées.`:`Les sauvegardes de ce groupe sont désactivées.`,jobsLink:`Imports et restaurations de ce groupe`,deleteHeading:`Supprimer le groupe`,deleteStart:`Supprimer le groupe…`,confirmTitle:e=>`Supprimer « ${e} » ?`,confirmBackup:e=>`Une sauvegarde de ses ${e} est faite d’abord (« avant suppression ») : vous pourrez la télécharger ou la restaurer depuis l’écran Sauvegardes jusqu’à son expiration.`,confirmNoBackup:`Les sauvegardes de ce groupe sont désactivées : aucune sauvegarde ne sera faite, et ses destinataires ne pourront pas être restaurés.`,confirmDelete:`Supprimer le groupe`,deleting:`Suppression…`,keep:`Le garder`,deleted:e=>`Le groupe « ${e} » a été supprimé.`,deletedBackup:(e,t)=>`Sa sauvegarde du ${t} contient ${e}.`,deletedNoBackup:`Aucune sauvegarde n’a été faite (les sauvegardes étaient désactivées).`,seeBackup:`La voir dans l’écran Sauvegardes`,downloadBackup:`Télécharger la sauvegarde`,recipientsHeading:`Destinataires`,search:`Rechercher`,searchHint:`Le début d’une adresse, d’un prénom ou d’un nom.`,statusFilter:`Statut`,anyStatus:`Tous les statuts`,matches:(e,t)=>`${e} ${Pr(t,`résultat`,`résultats`)}`,noRecipients:`Ce groupe n’a encore aucun destinataire.`,noMatches:`Aucun destinataire ne correspond à cette recherche.`,email:`Adresse`,name:`Nom`,status:`Statut`,updated:`Modifié`,actions:`Actions`,status_:e=>Mr[e],unsubscribe:`Désabonner`,unsubscribeLabel:e=>`Désabonner ${e}`,unsubscribed:e=>`${e} est désabonné.`,resubscribe:`Réabonner…`,resubscribeLabel:e=>`Réabonner ${e}…`,resubscribeTitle:e=>`Réabonner ${e} ?`,resubscribeText:e=>`Ce destinataire est « ${e} ». Ne le réabonnez que s’il l’a demandé : le changement est enregistré.`,resubscribeConfirm:`Oui, réabonner`,resubscribed:e=>`${e} est de nouveau actif.`,cancel:`Annuler`}}),Fr={IMPORT:`Import`,RESTORE:`Restore`},Ir={IMPORT:`Import`,RESTORE:`Restauration`},Lr={QUEUED:`Queued`,RUNNING:`Running`,SUCCEEDED:`Succeeded`,FAILED:`Failed`,CANCELLING:`Cancelling`,CANCELLED:`Cancelled`},Rr={QUEUED:`En attente`,RUNNING:`En cours`,SUCCEEDED:`Réussi`,FAILED:`Échoué`,CANCELLING:`Annulation en cours`,CANCELLED:`Annulé`},zr=st({en:{title:`Jobs`,filters:`Filters`,kind:`Kind`,anyKind:`Any kind`,kind_:e=>Fr[e],status:`Status`,anyStatus:`Any status`,status_:e=>Lr[e],group:`Group`,anyGroup:`All groups`,thisGroup:`This group`,jobCount:(e,t)=>`${e} ${Nr(t,`job`,`jobs`)}`,noJobs:`No imports or restores yet.`,noMatches:`No job matches these filters.`,importLink:`Import a file`,restoreOf:e=>`Restore of the backup of “${e}”`,restoreAsOf:`Restore to a moment`,size:`Size`,startedBy:`Started by`,startedByUnknown:`the command line or an unnamed token`,started:`Started`,finished:`Finished`,groupLabel:`Group`,deletedGroup:`a deleted group`,added:`added`,updated:`updated`,unchanged:`unchanged`,skipped:`skipped`,removed:`removed`,rejected:`rejected`,statusKept:`status kept`,progress:(e,t)=>t===null?`${e} rows read`:`${e} of ${t} rows`,rejects:e=>`Rejected rows (${e}), as a file`,cancel:`Cancel`,cancelLabel:e=>`Cancel ${e}`,cancelling:`Cancelling…`,previous:`Previous`,next:`Next`,pagingLabel:`Pages of jobs`},fr:{title:`Tâches`,filters:`Filtres`,kind:`Type`,anyKind:`Tous les types`,kind_:e=>Ir[e],status:`Statut`,anyStatus:`Tous les statuts`,status_:e=>Rr[e],group:`Groupe`,anyGroup:`Tous les groupes`,thisGroup:`Ce groupe`,jobCount:(e,t)=>`${e} ${Pr(t,`tâche`,`tâches`)}`,noJobs:`Aucun import ni restauration pour l’instant.`,noMatches:`Aucune tâche ne correspond à ces filtres.`,importLink:`Importer un fichier`,restoreOf:e=>`Restauration de la sauvegarde de « ${e} »`,restoreAsOf:`Restauration à un instant`,size:`Taille`,startedBy:`Lancé par`,startedByUnknown:`la ligne de commande ou un jeton sans nom`,started:`Début`,finished:`Fin`,groupLabel:`Groupe`,deletedGroup:`un groupe supprimé`,added:`ajoutés`,updated:`modifiés`,unchanged:`inchangés`,skipped:`ignorés`,removed:`retirés`,rejected:`rejetés`,statusKept:`statut conservé`,progress:(e,t)=>t===null?`${e} lignes lues`:`${e} lignes sur ${t}`,rejects:e=>`Lignes rejetées (${e}), en fichier`,cancel:`Annuler`,cancelLabel:e=>`Annuler ${e}`,cancelling:`Annulation…`,previous:`Précédent`,next:`Suivant`,pagingLabel:`Pages des tâches`}});function Br(e,t){return{first:e,after:t,last:null,before:null}}function Vr(e){let[t,n]=F(Br(e,null));return{window:t,next:t=>n(Br(e,t.endCursor)),previous:t=>n(t.startCursor===null?Br(e,null):{first:null,after:null,last:e,before:t.startCursor}),reset:()=>n(Br(e,null))}}function Hr({pageInfo:e,paging:t,label:n,previous:r,next:i}){return!e.hasPreviousPage&&!e.hasNextPage?null:q(`div`,{class:`pager`,role:`group`,"aria-label":n,children:[q(`button`,{type:`button`,class:`secondary`,disabled:!e.hasPreviousPage,onClick:()=>t.previous(e),children:r}),q(`button`,{type:`button`,class:`secondary`,disabled:!e.hasNextPage,onClick:()=>t.next(e),children:i})]})}var Ur=20;function Wr({deletion:e}){let t=G($),n=X(),r=Vr(Ur),i=U(vt,r.window);return q(b,{children:[e&&q(Jr,{deletion:e}),q(qr,{onCreated:r.reset,reload:i.reload}),q(`section`,{"aria-labelledby":`groups-heading`,children:[q(`h2`,{id:`groups-heading`,children:t.groupsHeading}),q(tn,{state:i,children:e=>e.groups.totalCount===0?q(en,{title:t.noGroups,children:q(`a`,{href:J(`import`),children:t.importLink})}):q(b,{children:[q(`p`,{class:`list-count`,children:t.groupCount(n.number(e.groups.totalCount),e.groups.totalCount)}),q(`ul`,{class:`group-list`,children:e.groups.edges.map(({node:t})=>q(Gr,{group:t,timeZone:e.viewer.timeZone},t.id))}),q(Hr,{pageInfo:e.groups.pageInfo,paging:r,label:t.pagingLabel(t.groupsHeading),previous:t.previous,next:t.next})]})})]})]})}function Gr({group:e,timeZone:t}){let n=G($),r=X();return q(`li`,{class:`group-row`,children:[q(`a`,{class:`group-name`,href:J(`lists`,e.id),children:e.name}),q(`span`,{children:n.recipients(r.number(e.recipientCount),e.recipientCount)}),q(`span`,{class:`muted`,children:n.createdOn(r.dateTime(e.createdAt,t))}),q(`span`,{class:e.backupsActive?`muted`:`warning`,children:e.backupsActive?n.backupsOn:n.backupsOff})]})}function Kr(e){return e.map(e=>e.message).join(` `)}function qr({onCreated:e,reload:t}){let n=G($),[r,i]=W(bt),[a,o]=F(``),[s,c]=F(null),[l,u]=F(null),[d,f]=F(null);async function p(i){i.preventDefault(),u(null),f(null);try{let{createGroup:i}=await r({name:a});if(i.userErrors.length>0||i.group===null){c(Kr(i.userErrors));return}c(null),o(``),u(n.created(i.group.name)),e(),t()}catch(e){f(e instanceof V?e:new V(`server`,String(e)))}}let m=i.status===`loading`;return q(`section`,{"aria-labelledby":`new-group-heading`,class:`panel`,children:[q(`h2`,{id:`new-group-heading`,children:n.newGroupHeading}),q(`form`,{class:`inline-form`,onSubmit:p,children:[q(`label`,{for:`new-group-name`,children:n.groupName}),q(`input`,{id:`new-group-name`,value:a,maxLength:200,"aria-invalid":s!==null,"aria-describedby":s===null?void 0:`new-group-error`,onInput:e=>o(e.currentTarget.value)}),q(`button`,{type:`submit`,disabled:m,children:m?n.creating:n.create})]}),s!==null&&q(`p`,{id:`new-group-error`,class:`field-error`,role:`alert`,children:s}),d&&q(Y,{error:d}),q(`p`,{role:`status`,class:`done`,children:l})]})}function Jr({deletion:e}){let t=G($),n=X(),r=e.result.backup;return q(`div`,{class:`notice deletion-notice`,role:`status`,children:[q(`p`,{class:`state-title`,children:t.deleted(e.name)}),r?q(b,{children:[q(`p`,{children:t.deletedBackup(t.recipients(n.number(r.recipientCount),r.recipientCount),n.dateTime(r.createdAt,e.timeZone))}),q(`p`,{class:`actions`,children:[q(`a`,{href:J(`backups`),children:t.seeBackup}),q(Yr,{backupId:r.id})]})]}):q(`p`,{children:t.deletedNoBackup})]})}function Yr({backupId:e}){let t=G($),n=H(),[r,i]=F(null);async function a(){i(null);try{let{node:r}=await n.request(_t,{backupId:e});if(r===null||!(`downloadUrl`in r))throw new V(`graphql`,t.groupNotFound);let i=document.createElement(`a`);i.href=r.downloadUrl,i.download=``,i.click()}catch(e){i(e instanceof V?e:new V(`server`,String(e)))}}return q(b,{children:[q(`button`,{type:`button`,class:`secondary`,onClick:a,children:t.downloadBackup}),r&&q(Y,{error:r})]})}var Xr=20,Zr=100,Qr=2e3,$r=[`IMPORT`,`RESTORE`],ei=[`QUEUED`,`RUNNING`,`SUCCEEDED`,`FAILED`,`CANCELLING`,`CANCELLED`],ti=new Set([`QUEUED`,`RUNNING`,`CANCELLING`]),ni=new Set([`QUEUED`,`RUNNING`]),ri=[`byte`,`kilobyte`,`megabyte`,`gigabyte`];function ii(e,t){let n=t,r=0;for(;n>=1024&&r<ri.length-1;)n/=1024,r+=1;return new Intl.NumberFormat(rn(e),{style:`unit`,unit:ri[r],unitDisplay:r===0?`long`:`short`,maximumFractionDigits:r===0?0:1}).format(n)}function ai({rest:e}){let t=G(zr),n=X(),r=e[0]??null,[i,a]=F(``),[o,s]=F(``),c=Vr(Xr),l=U(At,{groupId:r,kind:i===``?null:i,status:o===``?null:o,...c.window}),u=l.data?.jobs.edges.some(e=>ti.has(e.node.status))??!1;I(()=>{if(!u)return;let e=window.setInterval(l.reload,Qr);return()=>window.clearInterval(e)},[u,l.reload]);let d=r!==null||i!==``||o!==``;return q(`section`,{"aria-labelledby":`screen-title`,class:`lists-screen`,children:[q(Gt,{children:t.title}),q(`fieldset`,{class:`filters`,children:[q(`legend`,{children:t.filters}),q(`div`,{class:`field`,children:[q(`label`,{for:`job-kind`,children:t.kind}),q(`select`,{id:`job-kind`,value:i,onChange:e=>{a(e.currentTarget.value),c.reset()},children:[q(`option`,{value:``,children:t.anyKind}),$r.map(e=>q(`option`,{value:e,children:t.kind_(e)},e))]})]}),q(`div`,{class:`field`,children:[q(`label`,{for:`job-status`,children:t.status}),q(`select`,{id:`job-status`,value:o,onChange:e=>{s(e.currentTarget.value),c.reset()},children:[q(`option`,{value:``,children:t.anyStatus}),ei.map(e=>q(`option`,{value:e,children:t.status_(e)},e))]})]}),q(oi,{groupId:r,onChange:e=>{c.reset(),e===null?Xt(`jobs`):Xt(`jobs`,e)}})]}),q(tn,{state:l,children:e=>e.jobs.totalCount===0?q(en,{title:d?t.noMatches:t.noJobs,children:!d&&q(`a`,{href:J(`import`),children:t.importLink})}):q(b,{children:[q(`p`,{class:`list-count`,children:t.jobCount(n.number(e.jobs.totalCount),e.jobs.totalCount)}),q(`ul`,{class:`job-list`,children:e.jobs.edges.map(({node:t})=>q(ci,{job:t,timeZone:e.viewer.timeZone,reload:l.reload},t.id))}),q(Hr,{pageInfo:e.jobs.pageInfo,paging:c,label:t.pagingLabel,previous:t.previous,next:t.next})]})})]})}function oi({groupId:e,onChange:t}){let n=G(zr),r=U(vt,{first:Zr}).data?.groups.edges.map(e=>e.node)??[],i=e===null||r.some(t=>t.id===e);return q(`div`,{class:`field`,children:[q(`label`,{for:`job-group`,children:n.group}),q(`select`,{id:`job-group`,value:e??``,onChange:e=>t(e.currentTarget.value||null),children:[q(`option`,{value:``,children:n.anyGroup}),!i&&e!==null&&q(`option`,{value:e,children:n.thisGroup}),r.map(e=>q(`option`,{value:e.id,children:e.name},e.id))]})]})}function si(e,t){return t.kind===`IMPORT`?t.fileName??e.kind_(`IMPORT`):t.sourceBackup?e.restoreOf(t.sourceBackup.groupName):e.restoreAsOf}function ci({job:e,timeZone:t,reload:n}){let r=G(zr),i=X(),a=pt(),o=si(r,e),s=`job-${e.id}`,c=[[r.added,e.added],[r.updated,e.updated],[r.unchanged,e.unchanged],[r.skipped,e.skipped],[r.removed,e.removed],[r.rejected,e.rejected],[r.statusKept,e.statusKept]];return q(`li`,{class:`job-item`,children:q(`article`,{"aria-labelledby":s,children:[q(`header`,{class:`job-header`,children:[q(`h2`,{id:s,children:o}),q(`span`,{class:`status job-status-${e.status.toLowerCase()}`,children:r.status_(e.status)})]}),q(`dl`,{class:`job-details`,children:[q(`div`,{children:[q(`dt`,{children:r.groupLabel}),q(`dd`,{children:e.group?q(`a`,{href:J(`lists`,e.group.id),children:e.group.name}):r.deletedGroup})]}),e.sizeBytes!==null&&q(`div`,{children:[q(`dt`,{children:r.size}),q(`dd`,{children:ii(a,e.sizeBytes)})]}),q(`div`,{children:[q(`dt`,{children:r.startedBy}),q(`dd`,{children:e.startedBy??r.startedByUnknown})]}),q(`div`,{children:[q(`dt`,{children:r.started}),q(`dd`,{children:i.dateTime(e.createdAt,t)})]}),e.finishedAt&&q(`div`,{children:[q(`dt`,{children:r.finished}),q(`dd`,{children:i.dateTime(e.finishedAt,t)})]})]}),ti.has(e.status)?q(`p`,{class:`job-progress`,children:r.progress(i.number(e.processedRows),e.totalRows===null?null:i.number(e.totalRows))}):q(`ul`,{class:`job-counts`,children:c.filter(([,e])=>e>0).map(([e,t])=>q(`li`,{children:[q(`strong`,{children:i.number(t)}),` `,e]},e))}),e.error&&q(`p`,{class:`field-error`,children:e.error}),e.rejectedRowsUrl&&q(`p`,{children:q(`a`,{href:e.rejectedRowsUrl,download:!0,children:r.rejects(i.number(e.rejected))})}),ni.has(e.status)&&q(li,{jobId:e.id,title:o,reload:n})]})})}function li({jobId:e,title:t,reload:n}){let r=G(zr),[i,a]=W(Tt),[o,s]=F(null);async function c(){s(null);try{let{cancelJob:t}=await i({jobId:e});t.userErrors.length>0&&s(new V(`graphql`,Kr(t.userErrors))),n()}catch(e){s(e instanceof V?e:new V(`server`,String(e)))}}return q(b,{children:[q(`button`,{type:`button`,class:`secondary`,"aria-label":r.cancelLabel(t),disabled:a.status===`loading`,onClick:()=>void c(),children:a.status===`loading`?r.cancelling:r.cancel}),o&&q(Y,{error:o})]})}var ui=new Set([`UNSUBSCRIBED`,`BOUNCED`]);function di(e){return[e.firstName,e.lastName].filter(Boolean).join(` `)}function fi({recipients:e,timeZone:t,reload:n}){let r=G($),i=X(),[a,o]=W(St),[s,c]=F(null),[l,u]=F(null),[d,f]=F(null),p=L(null);I(()=>{s&&p.current?.focus()},[s]);async function m(e,t){u(null),f(null);try{let{setRecipientStatus:i}=await a({recipientId:e.id,status:t?`ACTIVE`:`UNSUBSCRIBED`,resubscribe:t});if(i.userErrors.length>0){f(new V(`graphql`,Kr(i.userErrors)));return}c(null),u(t?r.resubscribed(e.email):r.unsubscribed(e.email)),n()}catch(e){f(e instanceof V?e:new V(`server`,String(e)))}}let h=o.status===`loading`;return q(b,{children:[q(`p`,{role:`status`,class:`done`,children:l}),d&&q(Y,{error:d}),s&&q(`div`,{class:`confirm`,role:`group`,"aria-labelledby":`resubscribe-heading`,children:[q(`h3`,{id:`resubscribe-heading`,tabIndex:-1,ref:p,children:r.resubscribeTitle(s.email)}),q(`p`,{children:r.resubscribeText(r.status_(s.status))}),q(`p`,{class:`actions`,children:[q(`button`,{type:`button`,disabled:h,onClick:()=>void m(s,!0),children:r.resubscribeConfirm}),q(`button`,{type:`button`,class:`secondary`,onClick:()=>c(null),children:r.cancel})]})]}),q(`table`,{class:`recipient-table`,children:[q(`thead`,{children:q(`tr`,{children:[q(`th`,{scope:`col`,children:r.email}),q(`th`,{scope:`col`,children:r.name}),q(`th`,{scope:`col`,children:r.status}),q(`th`,{scope:`col`,children:r.updated}),q(`th`,{scope:`col`,children:r.actions})]})}),q(`tbody`,{children:e.map(e=>q(`tr`,{children:[q(`th`,{scope:`row`,"data-label":r.email,children:e.email}),q(`td`,{"data-label":r.name,children:di(e)}),q(`td`,{"data-label":r.status,children:q(`span`,{class:`status status-${e.status.toLowerCase()}`,children:r.status_(e.status)})}),q(`td`,{"data-label":r.updated,children:i.dateTime(e.updatedAt,t)}),q(`td`,{"data-label":r.actions,children:ui.has(e.status)?q(`button`,{type:`button`,class:`secondary`,"aria-label":r.resubscribeLabel(e.email),disabled:h,onClick:()=>c(e),children:r.resubscribe}):q(`button`,{type:`button`,class:`secondary`,"aria-label":r.unsubscribeLabel(e.email),disabled:h,onClick:()=>void m(e,!1),children:r.unsubscribe})})]},e.id))})]})]})}var pi=25,mi=250,hi=[`ACTIVE`,`INACTIVE`,`UNSUBSCRIBED`,`BOUNCED`];function gi(e){return e instanceof V?e:new V(`server`,String(e))}function _i({groupId:e,onDeleted:t}){let n=G($),[r,i]=F(``),[a,o]=F(``),[s,c]=F(``),l=Vr(pi);I(()=>{let e=window.setTimeout(()=>{r.trim()!==a&&(o(r.trim()),l.reset())},mi);return()=>window.clearTimeout(e)},[r]);let u=U(yt,{groupId:e,search:a===``?null:a,status:s===``?null:s,...l.window}),d=u.data?.node,f=d&&`recipients`in d?d:null,p=u.data?.viewer.timeZone;return q(`section`,{"aria-labelledby":`screen-title`,class:`lists-screen`,children:[q(`p`,{class:`breadcrumb`,children:q(`a`,{href:J(`lists`),children:n.allGroups})}),q(Gt,{children:f?f.name:n.title}),u.status===`error`&&u.data===void 0?q(Y,{error:u.error,onRetry:u.reload}):u.data===void 0?q($t,{}):f===null||p===void 0?q(en,{title:n.groupNotFound,children:q(`a`,{href:J(`lists`),children:n.allGroups})}):q(b,{children:[q(vi,{group:f}),q(`section`,{"aria-labelledby":`recipients-heading`,children:[q(`h2`,{id:`recipients-heading`,children:n.recipientsHeading}),q(`div`,{class:`filters`,children:[q(`div`,{class:`field`,children:[q(`label`,{for:`recipient-search`,children:n.search}),q(`input`,{id:`recipient-search`,type:`search`,value:r,"aria-describedby":`recipient-search-hint`,onInput:e=>i(e.currentTarget.value)}),q(`span`,{id:`recipient-search-hint`,class:`hint`,children:n.searchHint})]}),q(`div`,{class:`field`,children:[q(`label`,{for:`recipient-status`,children:n.statusFilter}),q(`select`,{id:`recipient-status`,value:s,onChange:e=>{c(e.currentTarget.value),l.reset()},children:[q(`option`,{value:``,children:n.anyStatus}),hi.map(e=>q(`option`,{value:e,children:n.status_(e)},e))]})]})]}),u.status===`error`&&q(Y,{error:u.error,onRetry:u.reload}),q(yi,{group:f,filtered:a!==``||s!==``,timeZone:p,reload:u.reload}),q(Hr,{pageInfo:f.recipients.pageInfo,paging:l,label:n.pagingLabel(n.recipientsHeading),previous:n.previous,next:n.next})]}),q(bi,{group:f,reload:u.reload}),q(xi,{group:f,timeZone:p,onDeleted:t})]})]})}function vi({group:e}){let t=G($),n=X();return q(`p`,{class:`group-summary`,children:[q(`span`,{children:t.recipients(n.number(e.recipientCount),e.recipientCount)}),q(`span`,{class:e.backupsActive?`muted`:`warning`,children:e.backupsActive?t.backupsOn:t.backupsOff}),q(`a`,{href:J(`jobs`,e.id),children:t.jobsLink})]})}function yi({group:e,filtered:t,timeZone:n,reload:r}){let i=G($),a=X(),o=e.recipients.totalCount;return o===0?q(en,{title:t?i.noMatches:i.noRecipients}):q(b,{children:[q(`p`,{class:`list-count`,"aria-live":`polite`,children:t?i.matches(a.number(o),o):i.recipients(a.number(o),o)}),q(fi,{recipients:e.recipients.edges.map(e=>e.node),timeZone:n,reload:r})]})}function bi({group:e,reload:t}){let n=G($),[r,i]=W(xt),[a,o]=W(Rt),[s,c]=F(e.name),[l,u]=F(null);I(()=>u(e=>e?.saved?null:e),[e]);let d=l?.enabled??e.backupsEnabled,[f,p]=F(null),[m,h]=F(null),[g,_]=F(null);async function v(i){i.preventDefault(),h(null),_(null);try{let{renameGroup:i}=await r({groupId:e.id,name:s});if(i.userErrors.length>0||i.group===null){p(Kr(i.userErrors));return}p(null),c(i.group.name),h(n.renamed),t()}catch(e){_(gi(e))}}async function y(r){h(null),_(null),u({enabled:r,saved:!1});try{let{setBackupEnabled:i}=await a({groupId:e.id,enabled:r});if(i.userErrors.length>0){u(null),_(new V(`graphql`,Kr(i.userErrors)));return}u({enabled:r,saved:!0}),h(n.switchSaved(r)),t()}catch(e){u(null),_(gi(e))}}let b=i.status===`loading`;return q(`section`,{"aria-labelledby":`group-settings-heading`,class:`panel`,children:[q(`h2`,{id:`group-settings-heading`,children:n.settingsHeading}),q(`form`,{class:`inline-form`,onSubmit:v,children:[q(`label`,{for:`group-name`,children:n.newName}),q(`input`,{id:`group-name`,value:s,maxLength:200,"aria-invalid":f!==null,"aria-describedby":f===null?void 0:`group-name-error`,onInput:e=>c(e.currentTarget.value)}),q(`button`,{type:`submit`,disabled:b,children:b?n.renaming:n.rename})]}),f!==null&&q(`p`,{id:`group-name-error`,class:`field-error`,role:`alert`,children:f}),q(`div`,{class:`switch`,children:[q(`input`,{id:`group-backups`,type:`checkbox`,checked:d,disabled:o.status===`loading`,"aria-describedby":`group-backups-hint`,onChange:e=>void y(e.currentTarget.checked)}),q(`label`,{for:`group-backups`,children:n.backupSwitch})]}),q(`p`,{id:`group-backups-hint`,class:`hint`,children:d&&!e.backupsActive?n.backupsAccountOff:n.backupSwitchHint}),g&&q(Y,{error:g}),q(`p`,{role:`status`,class:`done`,children:m})]})}function xi({group:e,timeZone:t,onDeleted:n}){let r=G($),i=X(),[a,o]=W(Mt),[s,c]=F(!1),[l,u]=F(null),d=L(null),f=L(null);I(()=>{s&&d.current?.focus()},[s]);async function p(){u(null);try{let{deleteGroup:r}=await a({groupId:e.id});if(r.userErrors.length>0){u(new V(`graphql`,Kr(r.userErrors)));return}n({name:e.name,result:r,timeZone:t})}catch(e){u(gi(e))}}let m=r.recipients(i.number(e.recipientCount),e.recipientCount);return q(`section`,{"aria-labelledby":`delete-group-heading`,class:`panel danger-zone`,children:[q(`h2`,{id:`delete-group-heading`,children:r.deleteHeading}),s?q(`div`,{class:`confirm`,role:`group`,"aria-labelledby":`delete-confirm-heading`,children:[q(`h3`,{id:`delete-confirm-heading`,tabIndex:-1,ref:d,children:r.confirmTitle(e.name)}),q(`p`,{children:e.backupsActive?r.confirmBackup(m):r.confirmNoBackup}),q(`p`,{class:`actions`,children:[q(`button`,{type:`button`,class:`danger`,disabled:o.status===`loading`,onClick:()=>void p(),children:o.status===`loading`?r.deleting:r.confirmDelete}),q(`button`,{type:`button`,class:`secondary`,onClick:()=>{c(!1),window.setTimeout(()=>f.current?.focus())},children:r.keep})]})]}):q(`button`,{ref:f,type:`button`,class:`danger`,onClick:()=>c(!0),children:r.deleteStart}),l&&q(Y,{error:l})]})}function Si({rest:e}){let t=G($),[n,r]=F(null),i=e[0];return i===void 0?q(`section`,{"aria-labelledby":`screen-title`,class:`lists-screen`,children:[q(Gt,{children:t.title}),q(Wr,{deletion:n})]}):q(_i,{groupId:i,onDeleted:e=>{r(e),Xt(`lists`)}},i)}var Ci=[{path:`lists`,messages:$,Screen:Si},{path:`jobs`,messages:zr,Screen:ai}],wi=e=>e===1?`1 backup`:`${e} backups`,Ti=e=>e<=1?`${e} sauvegarde`:`${e} sauvegardes`,Ei=e=>e===1?`1 day`:`${e} days`,Di=e=>e<=1?`${e} jour`:`${e} jours`,Oi=st({en:{title:`Settings`,privacyTitle:`Privacy`,backupSwitch:`Automatic backups`,backupSwitchHelp:e=>`When on, listkeeper backs a group up before each import, group deletion and restore. Backups are kept ${Ei(e)}, then deleted automatically. Each group also has its own switch (group settings).`,backupsOn:`Automatic backups are on.`,backupsOff:`Automatic backups are off: imports, deletions and restores make no backup.`,keepTitle:`Retention and time`,retentionLabel:`Keep backups for (days)`,retentionHelp:`1 to 365 days. A change applies to the backups already taken.`,retentionRange:`Enter a whole number of days from 1 to 365.`,windowLabel:`API backup window (minutes)`,windowHelp:`An API write backs its group up when the group's latest backup is older than this. 0: every API write.`,windowRange:`Enter a whole number of minutes from 0 to 1440.`,zoneLabel:`Time zone`,zoneHelp:`An IANA name such as Europe/Paris: the backups screen shows its days in it.`,zoneUnknown:`Choose a time zone from the list (such as Europe/Paris or UTC).`,save:`Save`,saving:`Saving…`,saved:`Settings saved.`,nothingChanged:`Nothing to save: the values are the ones already set.`,toRemove:e=>e===0?`No backup is past its expiry.`:`The next retention sweep will delete ${wi(e)} now past their expiry.`,confirmTitle:`Shorten the retention?`,confirmCounting:`Counting the backups this removes…`,confirmCount:(e,t,n)=>e===0&&!n?`No backup is older than ${Ei(t)}: none will be deleted.`:`${n?`At least `:``}${wi(e)} older than ${Ei(t)} will be deleted at the next retention sweep. This cannot be undone.`,confirmFrom:(e,t)=>`From ${Ei(e)} to ${Ei(t)}.`,confirmSave:`Shorten and save`,cancel:`Cancel`,tokensTitle:`API tokens`,tokensHelp:`A token lets a program (or this app) use the account. Its secret is shown once, when it is made.`,tokensEmpty:`No token yet.`,tokenUnnamed:`(no name)`,tokenCurrent:`this session`,tokenCreated:e=>`Created ${e}`,tokenExpires:e=>`expires ${e}`,tokenNeverExpires:`never expires`,tokenLastUsed:e=>`last used ${e}`,tokenNeverUsed:`never used`,revoke:`Revoke`,revokeLabel:e=>`Revoke ${e}`,revokeConfirm:e=>`Revoke ${e}? Programs using it are refused from their next request on.`,revokeCurrentConfirm:e=>`Revoke ${e}? It is the token of this session: you will be signed out.`,revokeNow:`Revoke now`,revoked:e=>`${e} was revoked.`,createTitle:`New token`,tokenName:`Name`,tokenNameHelp:`1 to 100 characters, e.g. where the token is used.`,tokenNameMissing:`Enter a name of 1 to 100 characters.`,tokenExpiry:`Expires`,expiryNever:`Never`,expiryDays:e=>`In ${e} days`,create:`Create the token`,creating:`Creating…`,secretTitle:e=>`Token ${e} created`,secretHelp:`Copy it now: it is shown this once only. Send it as 'Authorization: Bearer <token>'.`,secretLabel:`The new token`,copy:`Copy`,copied:`Copied.`,copyFailed:`Could not copy: select the token and copy it yourself.`,secretDone:`I have copied it`},fr:{title:`Réglages`,privacyTitle:`Confidentialité`,backupSwitch:`Sauvegardes automatiques`,backupSwitchHelp:e=>`Activées, listkeeper crée automatiquement une sauvegarde du groupe avant chaque importation, suppression de groupe et restauration. Ces sauvegardes sont stockées pendant ${Di(e)} et sont ensuite automatiquement supprimées. Chaque groupe a aussi son propre réglage (paramètres du groupe).`,backupsOn:`Les sauvegardes automatiques sont activées.`,backupsOff:`Les sauvegardes automatiques sont désactivées : importations, suppressions et restaurations ne créent aucune sauvegarde.`,keepTitle:`Conservation et fuseau horaire`,retentionLabel:`Conserver les sauvegardes pendant (jours)`,retentionHelp:`De 1 à 365 jours. Un changement s’applique aussi aux sauvegardes déjà faites.`,retentionRange:`Saisissez un nombre entier de jours entre 1 et 365.`,windowLabel:`Fenêtre de sauvegarde de l’API (minutes)`,windowHelp:`Une écriture par l’API sauvegarde son groupe si la dernière sauvegarde du groupe est plus ancienne. 0 : à chaque écriture.`,windowRange:`Saisissez un nombre entier de minutes entre 0 et 1440.`,zoneLabel:`Fuseau horaire`,zoneHelp:`Un nom IANA comme Europe/Paris : l’écran des sauvegardes affiche ses jours dans ce fuseau.`,zoneUnknown:`Choisissez un fuseau horaire de la liste (comme Europe/Paris ou UTC).`,save:`Enregistrer`,saving:`Enregistrement…`,saved:`Réglages enregistrés.`,nothingChanged:`Rien à enregistrer : ces valeurs sont déjà les réglages actuels.`,toRemove:e=>e===0?`Aucune sauvegarde n’a dépassé sa date d’expiration.`:`Le prochain nettoyage supprimera ${Ti(e)} ayant dépassé leur date d’expiration.`,confirmTitle:`Raccourcir la conservation ?`,confirmCounting:`Décompte des sauvegardes supprimées…`,confirmCount:(e,t,n)=>e===0&&!n?`Aucune sauvegarde n’a plus de ${Di(t)} : aucune ne sera supprimée.`:`${n?`Au moins `:``}${Ti(e)} de plus de ${Di(t)} ${e<=1&&!n?`sera supprimée`:`seront supprimées`} au prochain nettoyage. C’est irréversible.`,confirmFrom:(e,t)=>`De ${Di(e)} à ${Di(t)}.`,confirmSave:`Raccourcir et enregistrer`,cancel:`Annuler`,tokensTitle:`Jetons d’API`,tokensHelp:`Un jeton permet à un programme (ou à cette application) d’utiliser le compte. Son secret n’est affiché qu’une fois, à sa création.`,tokensEmpty:`Aucun jeton pour l’instant.`,tokenUnnamed:`(sans nom)`,tokenCurrent:`cette session`,tokenCreated:e=>`Créé le ${e}`,tokenExpires:e=>`expire le ${e}`,tokenNeverExpires:`n’expire jamais`,tokenLastUsed:e=>`dernière utilisation le ${e}`,tokenNeverUsed:`jamais utilisé`,revoke:`Révoquer`,revokeLabel:e=>`Révoquer ${e}`,revokeConfirm:e=>`Révoquer ${e} ? Les programmes qui l’utilisent seront refusés dès leur prochaine requête.`,revokeCurrentConfirm:e=>`Révoquer ${e} ? C’est le jeton de cette session : vous serez déconnecté.`,revokeNow:`Révoquer maintenant`,revoked:e=>`${e} a été révoqué.`,createTitle:`Nouveau jeton`,tokenName:`Nom`,tokenNameHelp:`De 1 à 100 caractères, par exemple l’endroit où le jeton sert.`,tokenNameMissing:`Saisissez un nom de 1 à 100 caractères.`,tokenExpiry:`Expiration`,expiryNever:`Jamais`,expiryDays:e=>`Dans ${e} jours`,create:`Créer le jeton`,creating:`Création…`,secretTitle:e=>`Jeton ${e} créé`,secretHelp:`Copiez-le maintenant : il n’est affiché que cette fois. Envoyez-le comme « Authorization: Bearer <jeton> ».`,secretLabel:`Le nouveau jeton`,copy:`Copier`,copied:`Copié.`,copyFailed:`Copie impossible : sélectionnez le jeton et copiez-le vous-même.`,secretDone:`Je l’ai copié`}});function ki({errors:e}){return e.length===0?null:q(`div`,{role:`alert`,children:e.map(e=>q(`p`,{class:`field-error`,children:e.message},e.code+e.message))})}function Ai({enabled:e,retentionDays:t}){let n=G(Oi),[r,i]=F(e),[a,o]=W(Lt),[s,c]=F([]);async function l(e){c([]);let t=r;try{let{setBackupEnabled:n}=await a({enabled:e.checked});c(n.userErrors),t=n.account?.backupsEnabled??t}catch{}i(t),e.checked=t}return q(`section`,{class:`settings-section`,"aria-labelledby":`privacy-title`,children:[q(`h2`,{id:`privacy-title`,children:n.privacyTitle}),q(`div`,{class:`switch-row`,children:[q(`input`,{id:`backups-switch`,type:`checkbox`,role:`switch`,class:`switch`,checked:r,disabled:o.status===`loading`,"aria-describedby":`backups-switch-help`,onChange:e=>void l(e.currentTarget)}),q(`label`,{for:`backups-switch`,children:n.backupSwitch})]}),q(`p`,{id:`backups-switch-help`,class:`help`,children:n.backupSwitchHelp(t)}),q(`p`,{role:`status`,"aria-live":`polite`,class:r?`switch-state on`:`switch-state off`,children:o.status===`loading`?n.saving:r?n.backupsOn:n.backupsOff}),q(ki,{errors:s}),o.status===`error`&&q(Y,{error:o.error})]})}var ji=100,Mi=20,Ni=864e5;async function Pi(e,t,n){let r=n-t*Ni,i=0,a=null;for(let t=0;t<Mi;t+=1){let{backups:t}=await e.request(Ht,{last:ji,before:a}),n=[...t.edges].reverse();for(let{node:e}of n){if(Date.parse(e.createdAt)>r)return{count:i,more:!1};i+=1}if(!t.pageInfo.hasPreviousPage||t.pageInfo.startCursor===null)return{count:i,more:!1};a=t.pageInfo.startCursor}return{count:i,more:!0}}function Fi(e){let t=typeof Intl.supportedValuesOf==`function`?Intl.supportedValuesOf(`timeZone`):[];return[...new Set([...t,`UTC`,e])].sort()}function Ii(e,t,n){if(!/^\s*\d+\s*$/.test(e))return null;let r=Number(e);return r>=t&&r<=n?r:null}function Li({settings:e,onSaved:t}){let n=G(Oi),r=H(),[i,a]=F(String(e.backupRetentionDays)),[o,s]=F(String(e.apiBackupWindowMinutes)),[c,l]=F(e.timeZone),[u,d]=F([]),[f,p]=F({kind:`edit`}),[m,h]=F([]),[g,_]=W(It),v=Ee(()=>Fi(e.timeZone),[e.timeZone]),y=L(null),x=L(null),S=L(`edit`);I(()=>{f.kind===`confirm`?y.current?.focus():S.current===`confirm`&&x.current?.focus(),S.current=f.kind},[f.kind]);function C(){let t=Ii(i,1,365),n=Ii(o,0,1440),r=c.trim(),a=[];if(t===null&&a.push(`retention`),n===null&&a.push(`window`),v.includes(r)||a.push(`zone`),d(a),t===null||n===null||a.length>0)return null;let s={};return t!==e.backupRetentionDays&&(s.retentionDays=t),n!==e.apiBackupWindowMinutes&&(s.apiBackupWindowMinutes=n),r!==e.timeZone&&(s.timeZone=r),s}async function w(e){h([]);try{let{updateAccountSettings:n}=await g(e);if(h(n.userErrors),n.userErrors.length>0||n.account===null){p({kind:`edit`});return}t(n.account),p({kind:`saved`,retentionChanged:e.retentionDays!==void 0,backupsToRemove:n.backupsToRemove})}catch{p({kind:`edit`})}}async function T(t){t.preventDefault();let n=C();if(n===null)return;if(Object.keys(n).length===0){p({kind:`unchanged`});return}let i=n.retentionDays;if(i===void 0||i>=e.backupRetentionDays)await w(n);else{p({kind:`confirm`,change:n,removal:null});try{let e=await Pi(r,i,Date.now());p(t=>t.kind===`confirm`?{...t,removal:e}:t)}catch{p(e=>e.kind===`confirm`?{...e,removal:{count:0,more:!0}}:e)}}}function E(e,t){e(t),(f.kind===`saved`||f.kind===`unchanged`)&&p({kind:`edit`})}let D=f.kind!==`confirm`,O=_.status===`loading`,k=(e,t)=>u.includes(e)?`${t} ${e}-error`:t;return q(`section`,{class:`settings-section`,"aria-labelledby":`keep-title`,children:[q(`h2`,{id:`keep-title`,children:n.keepTitle}),q(`form`,{class:`settings-form`,onSubmit:e=>void T(e),noValidate:!0,children:[q(`div`,{class:`field`,children:[q(`label`,{for:`retention-days`,children:n.retentionLabel}),q(`input`,{id:`retention-days`,type:`number`,inputMode:`numeric`,min:1,max:365,step:1,value:i,disabled:!D,"aria-invalid":u.includes(`retention`),"aria-describedby":k(`retention`,`retention-help`),onInput:e=>E(a,e.currentTarget.value)}),q(`p`,{id:`retention-help`,class:`help`,children:n.retentionHelp}),u.includes(`retention`)&&q(`p`,{id:`retention-error`,class:`field-error`,children:n.retentionRange})]}),q(`div`,{class:`field`,children:[q(`label`,{for:`time-zone`,children:n.zoneLabel}),q(`input`,{id:`time-zone`,type:`text`,list:`time-zone-names`,autoComplete:`off`,spellcheck:!1,value:c,disabled:!D,"aria-invalid":u.includes(`zone`),"aria-describedby":k(`zone`,`zone-help`),onInput:e=>E(l,e.currentTarget.value)}),q(`datalist`,{id:`time-zone-names`,children:v.map(e=>q(`option`,{value:e},e))}),q(`p`,{id:`zone-help`,class:`help`,children:n.zoneHelp}),u.includes(`zone`)&&q(`p`,{id:`zone-error`,class:`field-error`,children:n.zoneUnknown})]}),q(`div`,{class:`field`,children:[q(`label`,{for:`api-window`,children:n.windowLabel}),q(`input`,{id:`api-window`,type:`number`,inputMode:`numeric`,min:0,max:1440,step:1,value:o,disabled:!D,"aria-invalid":u.includes(`window`),"aria-describedby":k(`window`,`window-help`),onInput:e=>E(s,e.currentTarget.value)}),q(`p`,{id:`window-help`,class:`help`,children:n.windowHelp}),u.includes(`window`)&&q(`p`,{id:`window-error`,class:`field-error`,children:n.windowRange})]}),D&&q(`div`,{class:`actions`,children:q(`button`,{type:`submit`,disabled:O,ref:x,children:O?n.saving:n.save})})]}),f.kind===`confirm`&&q(`div`,{class:`confirm-panel`,role:`group`,"aria-labelledby":`retention-confirm-title`,children:[q(`h3`,{id:`retention-confirm-title`,tabIndex:-1,ref:y,children:n.confirmTitle}),q(`p`,{children:n.confirmFrom(e.backupRetentionDays,f.change.retentionDays??0)}),f.removal===null?q($t,{label:n.confirmCounting}):q(`p`,{class:`confirm-count`,children:n.confirmCount(f.removal.count,f.change.retentionDays??0,f.removal.more)}),q(`div`,{class:`actions`,children:[q(`button`,{type:`button`,class:`danger`,disabled:O||f.removal===null,onClick:()=>void w(f.change),children:O?n.saving:n.confirmSave}),q(`button`,{type:`button`,class:`secondary`,disabled:O,onClick:()=>p({kind:`edit`}),children:n.cancel})]})]}),q(`div`,{role:`status`,"aria-live":`polite`,class:`form-status`,children:[f.kind===`saved`&&q(b,{children:[q(`p`,{class:`ok`,children:n.saved}),f.retentionChanged&&q(`p`,{children:n.toRemove(f.backupsToRemove)})]}),f.kind===`unchanged`&&q(`p`,{children:n.nothingChanged})]}),q(ki,{errors:m}),_.status===`error`&&q(Y,{error:_.error})]})}var Ri=[30,90,365],zi=864e5;function Bi({token:e,onRevoked:t}){let n=G(Oi),r=X(),[i,a]=F(!1),[o,s]=W(Vt),[c,l]=F([]),u=e.name||n.tokenUnnamed,d=L(null);I(()=>{i&&d.current?.focus()},[i]);async function f(){try{let{revokeToken:n}=await o({tokenId:e.id});l(n.userErrors),n.userErrors.length===0&&t(u)}catch{}}return q(`li`,{class:`token-item`,children:[q(`p`,{class:`token-name`,id:`token-${e.id}`,children:[u,e.current&&q(`span`,{class:`badge`,children:n.tokenCurrent})]}),q(`p`,{class:`token-meta`,children:[n.tokenCreated(r.dateTime(e.createdAt)),` ·`,` `,e.expiresAt?n.tokenExpires(r.dateTime(e.expiresAt)):n.tokenNeverExpires,` ·`,` `,e.lastUsedAt?n.tokenLastUsed(r.dateTime(e.lastUsedAt)):n.tokenNeverUsed]}),i?q(`div`,{class:`confirm-panel`,role:`group`,"aria-label":n.revokeLabel(u),children:[q(`p`,{tabIndex:-1,ref:d,children:e.current?n.revokeCurrentConfirm(u):n.revokeConfirm(u)}),q(`div`,{class:`actions`,children:[q(`button`,{type:`button`,class:`danger`,disabled:s.status===`loading`,onClick:()=>void f(),children:n.revokeNow}),q(`button`,{type:`button`,class:`secondary`,onClick:()=>a(!1),children:n.cancel})]})]}):q(`div`,{class:`actions`,children:q(`button`,{type:`button`,class:`secondary`,"aria-label":n.revokeLabel(u),onClick:()=>a(!0),children:n.revoke})}),q(ki,{errors:c}),s.status===`error`&&q(Y,{error:s.error})]})}function Vi({name:e,secret:t,onDone:n}){let r=G(Oi),[i,a]=F(`idle`),o=L(null),s=L(null);I(()=>s.current?.focus(),[]);async function c(){o.current?.select();try{await navigator.clipboard.writeText(t),a(`copied`)}catch{a(`failed`)}}return q(`div`,{class:`new-secret`,role:`group`,"aria-labelledby":`new-secret-title`,children:[q(`h3`,{id:`new-secret-title`,tabIndex:-1,ref:s,children:r.secretTitle(e)}),q(`p`,{id:`new-secret-help`,children:r.secretHelp}),q(`label`,{for:`new-secret`,children:r.secretLabel}),q(`div`,{class:`secret-row`,children:[q(`input`,{id:`new-secret`,type:`text`,readOnly:!0,value:t,spellcheck:!1,"aria-describedby":`new-secret-help`,ref:o,onFocus:e=>e.currentTarget.select()}),q(`button`,{type:`button`,onClick:()=>void c(),children:r.copy})]}),q(`p`,{role:`status`,"aria-live":`polite`,children:i===`copied`?r.copied:i===`failed`?r.copyFailed:``}),q(`button`,{type:`button`,class:`secondary`,onClick:n,children:r.secretDone})]})}function Hi({onCreated:e}){let t=G(Oi),[n,r]=F(``),[i,a]=F(`never`),[o,s]=F(!1),[c,l]=F([]),[u,d]=F(null),[f,p]=W(Bt),m=L(null),h=L(!1);I(()=>{u===null&&h.current&&m.current?.focus(),h.current=u!==null},[u]);async function g(t){t.preventDefault();let a=n.trim(),o=a.length===0||a.length>100;if(s(o),o)return;let c=Number(i),u=i===`never`?null:new Date(Date.now()+c*zi).toISOString();try{let{createToken:t}=await f({name:a,expiresAt:u});l(t.userErrors),t.secret!==null&&t.token!==null&&(d({name:t.token.name,secret:t.secret}),r(``),e())}catch{}}return u===null?q(`form`,{class:`settings-form token-form`,onSubmit:e=>void g(e),noValidate:!0,children:[q(`h3`,{children:t.createTitle}),q(`div`,{class:`field`,children:[q(`label`,{for:`token-name`,children:t.tokenName}),q(`input`,{id:`token-name`,ref:m,type:`text`,maxLength:100,value:n,autoComplete:`off`,"aria-invalid":o,"aria-describedby":o?`token-name-help token-name-error`:`token-name-help`,onInput:e=>r(e.currentTarget.value)}),q(`p`,{id:`token-name-help`,class:`help`,children:t.tokenNameHelp}),o&&q(`p`,{id:`token-name-error`,class:`field-error`,children:t.tokenNameMissing})]}),q(`div`,{class:`field`,children:[q(`label`,{for:`token-expiry`,children:t.tokenExpiry}),q(`select`,{id:`token-expiry`,value:i,onChange:e=>a(e.currentTarget.value),children:[q(`option`,{value:`never`,children:t.expiryNever}),Ri.map(e=>q(`option`,{value:String(e),children:t.expiryDays(e)},e))]})]}),q(`div`,{class:`actions`,children:q(`button`,{type:`submit`,disabled:p.status===`loading`,children:p.status===`loading`?t.creating:t.create})}),q(ki,{errors:c}),p.status===`error`&&q(Y,{error:p.error})]}):q(Vi,{name:u.name,secret:u.secret,onDone:()=>d(null)})}function Ui(){let e=G(Oi),t=U(zt),[n,r]=F(null),i=L(null);function a(e){r(e),t.reload(),i.current?.focus()}return q(`section`,{class:`settings-section`,"aria-labelledby":`tokens-title`,children:[q(`h2`,{id:`tokens-title`,tabIndex:-1,ref:i,children:e.tokensTitle}),q(`p`,{class:`help`,children:e.tokensHelp}),q(`p`,{role:`status`,"aria-live":`polite`,children:n===null?``:e.revoked(n)}),q(tn,{state:t,children:({viewer:t})=>t.tokens.length===0?q(en,{title:e.tokensEmpty}):q(`ul`,{class:`token-list`,children:t.tokens.map(e=>q(Bi,{token:e,onRevoked:a},e.id))})}),q(Hi,{onCreated:()=>{r(null),t.reload()}})]})}function Wi({initial:e,backupsEnabled:t}){let[n,r]=F(e);return q(b,{children:[q(Ai,{enabled:t,retentionDays:n.backupRetentionDays}),q(Li,{settings:n,onSaved:r})]})}function Gi(e){let t=G(Oi),n=U(Ft,{first:1});return q(`section`,{"aria-labelledby":`screen-title`,class:`settings-screen`,children:[q(Gt,{children:t.title}),q(tn,{state:n,children:({viewer:e})=>q(Wi,{backupsEnabled:e.backupsEnabled,initial:{backupRetentionDays:e.backupRetentionDays,apiBackupWindowMinutes:e.apiBackupWindowMinutes,timeZone:e.timeZone}},e.id)}),q(Ui,{})]})}var Ki=[{path:`settings`,messages:Oi,Screen:Gi}],qi=[...qn,...Ar,...Ci,...Ki];function Ji(e){let t=e[0];return t===void 0?qi[0]??null:qi.find(e=>e.path===t)??null}function Yi(){let e=G(Kt);return q(`section`,{"aria-labelledby":`screen-title`,children:[q(Gt,{children:e.notFoundTitle}),q(`p`,{children:e.notFoundText}),q(`a`,{href:J(qi[0]?.path??``),children:e.notFoundLink})]})}function Xi({current:e}){let t=G(Kt),n=pt();return q(`nav`,{"aria-label":t.navigation,children:q(`ul`,{children:qi.map(t=>q(`li`,{children:q(`a`,{href:J(t.path),"aria-current":t===e?`page`:void 0,children:t.messages[n].title})},t.path))})})}function Zi(e){let t=L(!0);I(()=>{t.current?t.current=!1:(document.getElementById(`screen-title`)??document.getElementById(`content`))?.focus()},[e])}function Qi({onLocale:e,onSignOut:t}){let n=G(Kt),r=pt(),i=Zt(),a=Ji(i),o=U(mt),s=a?a.messages[r].title:n.notFoundTitle;I(()=>{document.title=`${s} – ${n.appName}`},[s,n.appName]),Zi(i.join(`/`));let c=a?.Screen;return q(b,{children:[q(`a`,{class:`skip-link`,href:`#content`,onClick:$i,children:n.skipToContent}),q(`header`,{class:`app-header`,children:[q(`a`,{class:`app-name`,href:J(qi[0]?.path??``),children:n.appName}),o.status===`done`&&q(`span`,{class:`account`,children:n.account(o.data.viewer.name)}),q(Jt,{onChange:e}),q(`button`,{type:`button`,class:`secondary`,onClick:t,children:n.signOut})]}),q(Xi,{current:a}),q(`main`,{id:`content`,tabIndex:-1,children:c?q(c,{rest:i.slice(1)}):q(Yi,{})})]})}function $i(e){e.preventDefault(),document.getElementById(`content`)?.focus()}function ea({reason:e,onToken:t,onLocale:n}){let r=G(Kt),[i,a]=F({status:`idle`});async function o(e){e.preventDefault();let n=e.currentTarget.elements.namedItem(`token`).value.trim();if(n===``)return a({status:`empty`});a({status:`checking`});try{await new Qe(n,()=>void 0).request(mt),t(n)}catch(e){let t=e instanceof V&&e.kind===`unauthorized`;a(t?{status:`refused`}:{status:`failed`,error:e})}}let s={start:null,expired:r.tokenExpired,signedOut:r.signedOut}[e],c={empty:r.tokenEmpty,refused:r.tokenRefused}[i.status];return q(`main`,{id:`content`,class:`token-prompt`,children:[q(Jt,{onChange:n}),q(`h1`,{children:r.tokenTitle}),s&&i.status===`idle`&&q(`p`,{class:`notice`,role:`status`,children:s}),q(`p`,{children:r.tokenIntro}),q(`form`,{onSubmit:o,noValidate:!0,children:[q(`label`,{for:`token`,children:r.tokenLabel}),q(`input`,{id:`token`,name:`token`,type:`password`,autocomplete:`off`,spellcheck:!1,"aria-invalid":c?!0:void 0,"aria-describedby":c?`token-problem`:void 0}),c&&q(`p`,{id:`token-problem`,class:`field-error`,role:`alert`,children:c}),i.status===`failed`&&q(Y,{error:i.error}),q(`button`,{type:`submit`,disabled:i.status===`checking`,children:i.status===`checking`?r.tokenChecking:r.tokenSubmit})]})]})}function ta(){let[e,t]=F(ut),[n,r]=F(rt),[i,a]=F(`start`);I(()=>{document.documentElement.lang=e},[e]);let o=Ee(()=>n===null?null:new Qe(n,()=>{at(),a(`expired`),r(null)}),[n]);I(()=>()=>o?.dispose(),[o]);function s(e){dt(e),t(e)}function c(e){it(e),r(e)}function l(){at(),a(`signedOut`),r(null)}return q(ft.Provider,{value:e,children:o===null?q(ea,{reason:i,onToken:c,onLocale:s}):q($e.Provider,{value:o,children:q(Qi,{onLocale:s,onSignOut:l})})})}ue(q(ta,{}),document.getElementById(`app`));